import { describe, expect, it } from 'vitest';
import { go2Walk, ACTION_SCALE } from './go2-walk.ts';
import { go2DefaultPose } from './go2-stand.ts';
import { stateFromJointPositions } from '../robot/pose-state.ts';

describe('go2-walk observation (legged_gym layout)', () => {
  const task = go2Walk.build({ vx: 0.6, vy: -0.2, yawRate: 0.4 });
  const scene = task.scene;

  it('lays out the 48 terms on a known state', () => {
    // Default pose, calf joints bent 0.1 further, robot at rest and level.
    const q = scene.joints.map((j) => go2DefaultPose(j.name) + (j.name.includes('calf') ? -0.1 : 0));
    const s = stateFromJointPositions(scene, q);
    const last = Float64Array.from(scene.actuators, (a) => go2DefaultPose(scene.joints[a.joint]!.name) + 0.05);
    const obs = task.observe(s, last);
    expect(obs).toHaveLength(48);
    expect(Array.from(obs.slice(0, 6))).toEqual([0, 0, 0, 0, 0, 0]); // at rest
    expect(obs[6]).toBeCloseTo(0);
    expect(obs[7]).toBeCloseTo(0);
    expect(obs[8]).toBeCloseTo(-1); // projected gravity, level base
    expect(Array.from(obs.slice(9, 12))).toEqual([0.6 * 2, -0.2 * 2, 0.4 * 0.25]);
    scene.actuators.forEach((a, i) => {
      const calf = scene.joints[a.joint]!.name.includes('calf');
      expect(obs[12 + i]).toBeCloseTo(calf ? -0.1 : 0, 6);
      expect(obs[24 + i]).toBe(0);
      expect(obs[36 + i]).toBeCloseTo(0.05 / ACTION_SCALE, 6);
    });
  });
});
