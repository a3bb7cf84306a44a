import { describe, expect, it } from 'vitest';
import { defaults } from '../../sim/params.ts';
import { projectPath } from '../../sim/project-paths.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { EndEffectorJog } from './end-effector-jog.ts';

const so101 = () => {
  const def = findTask(`robot:${projectPath('assets/robots/so101/so101_new_calib.urdf')}`);
  return def.build(defaults(def.params)).scene;
};

describe('EndEffectorJog on the SO-101', () => {
  it("moves the gripper by the asked few millimetres along each axis, leaving the jaw's joint alone", () => {
    const scene = so101();
    const jog = new EndEffectorJog(scene);
    expect(jog.bodyName).toBe('gripper_link');
    const gripper = scene.joints.findIndex((j) => j.name === 'gripper');
    // A bent arm, away from the stretched-out singularity.
    const q = scene.joints.map((j) => ({ shoulder_lift: -0.6, elbow_flex: 0.6, wrist_flex: 0.6 })[j.name as 'elbow_flex'] ?? 0);
    const p0 = jog.toolPoint(q);
    for (const delta of [[0.005, 0, 0], [0, 0.005, 0], [0, 0, -0.005]] as const) {
      const next = jog.step(q, [...delta]);
      const p = jog.toolPoint(next);
      const moved = [p[0] - p0[0], p[1] - p0[1], p[2] - p0[2]];
      moved.forEach((m, k) => expect(m).toBeCloseTo(delta[k]!, 3));
      expect(next[gripper]).toBe(q[gripper]);
    }
  });

  it('keeps joints it is told to keep still', () => {
    const scene = so101();
    const jog = new EndEffectorJog(scene);
    const pan = scene.joints.findIndex((j) => j.name === 'shoulder_pan');
    const q = scene.joints.map(() => 0.3);
    const next = jog.step(q, [0, 0.01, 0], (j) => j !== pan);
    expect(next[pan]).toBe(0.3);
  });
});
