import { describe, expect, it } from 'vitest';
import { jointVelocity } from '../kinematics.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { PhysicsWorld } from '../rapier/physics-world.ts';
import type { SceneDescription } from '../scene.ts';
import { loadMujoco } from './load-mujoco.ts';
import { MujocoWorld } from './mujoco-world.ts';

const INERTIA = 0.03;
const FORCE_LIMIT = 3.35;
const DT = 0.005;

/** One link on a hinge, no gravity, an SO-101-like position servo (kp 998, kv 2.731) with a force limit. */
function hinge(damping: number): SceneDescription {
  return {
    name: 'servo hinge',
    gravity: [0, 0, 0],
    timestep: DT,
    solverIterations: 4,
    bodies: [
      { name: 'base', kind: 'fixed', pose: { position: [0, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [] },
      { name: 'link', kind: 'dynamic', pose: { position: [0, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [], inertial: { mass: 0.1, com: [0, 0, 0], principal: [INERTIA, INERTIA, INERTIA], frame: [0, 0, 0, 1] } },
    ],
    joints: [{ name: 'hinge', type: 'revolute', parent: 0, child: 1, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0], axis: [0, 0, 1], ...(damping ? { damping } : {}) }],
    actuators: [{ name: 'servo', joint: 0, kind: 'position', gear: 1, ctrlRange: [-3, 3], kp: 998.22, kv: 2.731, forceLimit: FORCE_LIMIT }],
    markers: [],
  };
}

/** Joint speed after each of `times` (s) with the servo commanded 3 rad away: saturated throughout. */
function speeds(world: PhysicsWorld | MujocoWorld, scene: SceneDescription, times: number[]): number[] {
  const out: number[] = [];
  let steps = 0;
  for (const t of times) {
    for (; steps < Math.round(t / DT); steps++) world.step([3]);
    out.push(jointVelocity(scene, world.getState(), 0));
  }
  world.dispose();
  return out;
}

describe('a saturated servo (force-limited, with kv) in both engines', () => {
  const times = [0.05, 0.1, 0.2];

  it('accelerates its joint at forceLimit / inertia: kv takes no part once the force is clamped', async () => {
    const scene = hinge(0);
    const expected = times.map((t) => (FORCE_LIMIT / INERTIA) * t);
    // MuJoCo 3.3.8's implicitfast alone reached 0.69 of this (dt·kv added to the inertia).
    for (const world of [new PhysicsWorld(await loadRapier(), scene), new MujocoWorld(await loadMujoco(), scene)]) {
      speeds(world, scene, times).forEach((w, i) => expect(w / expected[i]!).toBeCloseTo(1, 2));
    }
  });

  it("feels the joint's damping beyond the force limit: the speed tends to forceLimit / damping", async () => {
    const damping = 0.6;
    const scene = hinge(damping);
    // I·dω/dt = F − d·ω.
    const expected = times.map((t) => (FORCE_LIMIT / damping) * (1 - Math.exp((-damping * t) / INERTIA)));
    // Rapier had folded the damping into the servo's clamped motor: 11.2 rad/s at 0.1 s instead of 4.8.
    for (const world of [new PhysicsWorld(await loadRapier(), scene), new MujocoWorld(await loadMujoco(), scene)]) {
      speeds(world, scene, times).forEach((w, i) => expect(Math.abs(w / expected[i]! - 1)).toBeLessThan(0.05));
    }
  });
});
