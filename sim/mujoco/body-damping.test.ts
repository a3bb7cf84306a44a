import { describe, expect, it } from 'vitest';
import { jointVelocity } from '../kinematics.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { PhysicsWorld } from '../rapier/physics-world.ts';
import type { BodyDesc, SceneDescription } from '../scene.ts';
import { loadMujoco } from './load-mujoco.ts';
import { MujocoWorld } from './mujoco-world.ts';

const DT = 0.01;
const SECONDS = 1;
const LINEAR_VELOCITY = 7;
const ANGULAR_VELOCITY = 10;

function scene(name: string, bodies: BodyDesc[], joints: SceneDescription['joints']): SceneDescription {
  const base: BodyDesc = { name: 'base', kind: 'fixed', pose: { position: [0, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [] };
  return { name, gravity: [0, 0, 0], timestep: DT, solverIterations: 4, bodies: [base, ...bodies], joints, actuators: [], markers: [] };
}

const inertial = (mass: number, moment: number) => ({ mass, com: [0, 0, 0] as [number, number, number], principal: [moment, moment, moment] as [number, number, number], frame: [0, 0, 0, 1] as [number, number, number, number] });

/** push-box's drive: a carriage on an x slide carries a damped pusher on a y slide. */
const carriage = scene(
  'carriage',
  [
    { name: 'carriage', kind: 'dynamic', pose: { position: [0, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [], inertial: inertial(0.5, 1e-3) },
    { name: 'pusher', kind: 'dynamic', pose: { position: [0, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [], inertial: inertial(0.5, 1e-3), linearDamping: 2 },
  ],
  [
    { name: 'x', type: 'prismatic', parent: 0, child: 1, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0], axis: [1, 0, 0] },
    { name: 'y', type: 'prismatic', parent: 1, child: 2, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0], axis: [0, 1, 0] },
  ],
);

/** A link spinning about a hinge 0.2 m from its centre of mass, damped in both ways. */
const link = scene(
  'link',
  [{ name: 'link', kind: 'dynamic', pose: { position: [0.2, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [], inertial: inertial(1, 0.01), linearDamping: 0.5, angularDamping: 1 }],
  [{ name: 'hinge', type: 'revolute', parent: 0, child: 1, anchorParent: [0, 0, 0], anchorChild: [-0.2, 0, 0], axis: [0, 0, 1] }],
);

/** Joint velocities after `SECONDS` of coasting from the state `start` writes. */
function coast(world: PhysicsWorld | MujocoWorld, s: SceneDescription, start: (state: Float64Array) => void): number[] {
  const state = world.getState();
  start(state);
  world.setState(state);
  for (let i = 0; i < Math.round(SECONDS / DT); i++) world.step([]);
  const end = world.getState();
  world.dispose();
  return s.joints.map((_, j) => jointVelocity(s, end, j));
}

const worlds = async (s: SceneDescription) => [new PhysicsWorld(await loadRapier(), s), new MujocoWorld(await loadMujoco(), s)];

describe("a body's own damping, in Rapier and as dof damping in MuJoCo", () => {
  it('slows a pusher on its carriage as m·c over the mass each slide moves: x at 0.5·2/1, y at 2 per second', async () => {
    // Per body: position 0–2, rotation 3–6, linear velocity 7–9.
    const start = (state: Float64Array) => {
      state.set([1, 0, 0], 13 + LINEAR_VELOCITY);
      state.set([1, 1, 0], 26 + LINEAR_VELOCITY);
    };
    // Before: MuJoCo's pusher coasted undamped (1, 1).
    for (const world of await worlds(carriage)) {
      const [x, y] = coast(world, carriage, start);
      expect(Math.abs(x! / Math.exp(-1 * SECONDS) - 1)).toBeLessThan(0.03);
      expect(Math.abs(y! / Math.exp(-2 * SECONDS) - 1)).toBeLessThan(0.03);
    }
  });

  it('slows a spinning link by angular damping on its own inertia and linear damping on its lever arm', async () => {
    // ω' = −(c_ang·I + c_lin·m·r²) / (I + m·r²) · ω = −(0.01 + 0.5·0.04) / 0.05 · ω.
    const rate = (1 * 0.01 + 0.5 * 1 * 0.04) / (0.01 + 1 * 0.04);
    const start = (state: Float64Array) => {
      state.set([0, 0.2, 0], 13 + LINEAR_VELOCITY);
      state.set([0, 0, 1], 13 + ANGULAR_VELOCITY);
    };
    for (const world of await worlds(link)) {
      const [w] = coast(world, link, start);
      expect(Math.abs(w! / Math.exp(-rate * SECONDS) - 1)).toBeLessThan(0.03);
    }
  });
});
