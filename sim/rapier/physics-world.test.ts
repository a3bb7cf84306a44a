import { describe, expect, it } from 'vitest';
import { loadRapier } from './load-rapier.ts';
import { PhysicsWorld } from './physics-world.ts';
import { pendulumScene } from '../tasks/pendulum-swingup.ts';
import { axisAngle, bodyPosition, jointPosition } from '../kinematics.ts';
import type { SceneDescription } from '../scene.ts';

const R = await loadRapier();

function pendulumAt(angle: number, length: number): { world: PhysicsWorld; scene: SceneDescription } {
  const scene = pendulumScene({ length, mass: 1, maxTorque: 1, damping: 0 });
  const world = new PhysicsWorld(R, scene);
  const state = world.getState();
  const pivotZ = scene.bodies[0]!.pose.position[2];
  state.set([-Math.sin(angle) * length / 2, 0, pivotZ - Math.cos(angle) * length / 2, ...axisAngle([0, 1, 0], angle)], 13);
  world.setState(state);
  return { world, scene };
}

describe('PhysicsWorld', () => {
  it('gives a pendulum the small-amplitude period of its actual inertia (within 1%)', () => {
    const length = 0.6;
    const { world, scene } = pendulumAt(0.05, length);
    const m = world.bodyMass(1);
    const { principal } = world.bodyInertia(1);
    const transverse = Math.max(...principal); // long capsule: the two transverse moments are the largest
    const d = length / 2;
    const expected = 2 * Math.PI * Math.sqrt((transverse + m * d * d) / (m * 9.81 * d));
    // Time upward zero crossings of the hinge angle, interpolated between steps.
    const dt = world.timestep;
    const crossings: number[] = [];
    let previous = jointPosition(scene, world.getState(), 0);
    for (let i = 1; i < 2000 && crossings.length < 6; i++) {
      world.step();
      const q = jointPosition(scene, world.getState(), 0);
      if (previous < 0 && q >= 0) crossings.push((i - 1 + -previous / (q - previous)) * dt);
      previous = q;
    }
    const measured = (crossings.at(-1)! - crossings[0]!) / (crossings.length - 1);
    expect(Math.abs(measured - expected) / expected).toBeLessThan(0.01);
    world.dispose();
  });

  it('lets a free body fall as ½gt²', () => {
    const scene: SceneDescription = {
      name: 'drop', gravity: [0, 0, -9.81], timestep: 0.001, solverIterations: 4, joints: [], actuators: [], markers: [],
      bodies: [{ name: 'ball', kind: 'dynamic', pose: { position: [0, 0, 10], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'sphere', radius: 0.1 } }] }],
    };
    const world = new PhysicsWorld(R, scene);
    for (let i = 0; i < 1000; i++) world.step();
    const z = bodyPosition(world.getState(), 0)[2];
    expect(z).toBeCloseTo(10 - 0.5 * 9.81 * 1, 1);
    world.dispose();
  });

  it('is deterministic and state round-trips', () => {
    const run = () => {
      const { world } = pendulumAt(1, 0.6);
      for (let i = 0; i < 300; i++) world.step([0.3]);
      const s = world.getState();
      world.dispose();
      return s;
    };
    expect(run()).toEqual(run());
    const { world } = pendulumAt(0.4, 0.6);
    const s = world.getState();
    world.setState(s);
    expect(world.getState()).toEqual(s);
    expect(() => world.setState(new Float64Array(3))).toThrow(/state has 3 values, scene 'pendulum' needs 26/);
    world.dispose();
  });

  it('stops a prismatic joint at its limit', () => {
    const scene: SceneDescription = {
      name: 'slider', gravity: [0, 0, 0], timestep: 0.01, solverIterations: 4, markers: [],
      bodies: [
        { name: 'base', kind: 'fixed', pose: { position: [0, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [] },
        { name: 'block', kind: 'dynamic', pose: { position: [0, 0, 0], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [0.1, 0.1, 0.1] } }] },
      ],
      joints: [{ name: 'x', type: 'prismatic', parent: 0, child: 1, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0], axis: [1, 0, 0], limits: [-0.5, 0.5] }],
      actuators: [{ name: 'push', joint: 0, gear: 5, ctrlRange: [-1, 1] }],
    };
    const world = new PhysicsWorld(R, scene);
    for (let i = 0; i < 300; i++) world.step([1]);
    expect(jointPosition(scene, world.getState(), 0)).toBeCloseTo(0.5, 1);
    world.dispose();
  });
});
