import { describe, expect, it } from 'vitest';
import { loadRapier } from './load-rapier.ts';
import { PhysicsWorld } from './physics-world.ts';
import { pendulumScene } from '../tasks/pendulum-swingup.ts';
import { axisAngle, bodyPosition, jointPosition } from '../kinematics.ts';
import type { BodyDesc, SceneDescription } from '../scene.ts';
import { unpackContacts } from '../../protocol/contacts.ts';

const R = await loadRapier();

function pendulumAt(angle: number, length: number, frictionLoss = 0): { world: PhysicsWorld; scene: SceneDescription } {
  const scene = pendulumScene({ length, mass: 1, maxTorque: 1, damping: 0 });
  if (frictionLoss) scene.joints[0]!.frictionLoss = frictionLoss;
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

  it('applies a motor torque once per step: a constant command gives a constant angular acceleration', () => {
    // Lying flat in zero gravity the pole feels only the motor: ω grows by τ/I_pivot every step.
    const length = 0.6;
    const { world, scene } = pendulumAt(0, length);
    const noGravity = new PhysicsWorld(R, { ...scene, gravity: [0, 0, 0] });
    noGravity.setState(world.getState());
    const m = noGravity.bodyMass(1);
    const inertia = Math.max(...noGravity.bodyInertia(1).principal) + m * (length / 2) ** 2;
    const omegas: number[] = [];
    for (let i = 0; i < 20; i++) {
      noGravity.step([1]);
      omegas.push(noGravity.getState()[13 + 11]!);
    }
    const perStep = (1 / inertia) * noGravity.timestep;
    expect(omegas[0]).toBeCloseTo(perStep, 2);
    // Torques that were never cleared would add up: the 20th step would add 20 times as much.
    expect(omegas[19]! - omegas[18]!).toBeCloseTo(perStep, 2);
    expect(omegas[19]).toBeCloseTo(20 * perStep, 1);
    world.dispose();
    noGravity.dispose();
  });

  it('holds a pendulum by dry joint friction while gravity pulls less than it, and lets it slide to rest otherwise', () => {
    const length = 0.6;
    const friction = 1; // N·m; gravity's torque at angle θ is m·g·(l/2)·sin θ = 2.94·sin θ
    const gravityTorque = (q: number) => 9.81 * (length / 2) * Math.abs(Math.sin(q));
    const held = pendulumAt(0.3, length, friction); // 0.87 N·m < 1 N·m: it must not move
    for (let i = 0; i < 300; i++) held.world.step();
    expect(Math.abs(jointPosition(held.scene, held.world.getState(), 0) - 0.3)).toBeLessThan(0.003);

    const slipping = pendulumAt(1.0, length, friction); // 2.48 N·m > 1 N·m
    const free = pendulumAt(1.0, length);
    let freeSwing = 0;
    for (let i = 0; i < 500; i++) {
      slipping.world.step();
      free.world.step();
      if (i >= 400) freeSwing = Math.max(freeSwing, Math.abs(jointPosition(free.scene, free.world.getState(), 0)));
    }
    const q = jointPosition(slipping.scene, slipping.world.getState(), 0);
    expect(Math.abs(q - 1)).toBeGreaterThan(0.3); // it slid
    expect(gravityTorque(q)).toBeLessThanOrEqual(friction * 1.02); // and stuck where friction can hold it
    const rest = jointPosition(slipping.scene, slipping.world.getState(), 0);
    for (let i = 0; i < 100; i++) slipping.world.step();
    expect(Math.abs(jointPosition(slipping.scene, slipping.world.getState(), 0) - rest)).toBeLessThan(0.002);
    // The same pendulum without friction still swings nearly as wide as it started.
    expect(freeSwing).toBeGreaterThan(0.8);
    for (const w of [held.world, slipping.world, free.world]) w.dispose();
  });

  it('gives a servoed joint dry friction too: the servo stops where its pull drops below the friction', () => {
    const servoed = (frictionLoss: number) => {
      const { scene } = pendulumAt(0, 0.6);
      const joint = { ...scene.joints[0]!, ...(frictionLoss ? { frictionLoss } : {}) };
      const world = new PhysicsWorld(R, { ...scene, gravity: [0, 0, 0], joints: [joint], actuators: [{ name: 'servo', joint: 0, kind: 'position', gear: 1, kp: 1, kv: 0.3, ctrlRange: [-1, 1] }] });
      const state = world.getState();
      const pivotZ = scene.bodies[0]!.pose.position[2];
      state.set([-Math.sin(0.4) * 0.3, 0, pivotZ - Math.cos(0.4) * 0.3, ...axisAngle([0, 1, 0], 0.4)], 13);
      world.setState(state);
      for (let i = 0; i < 600; i++) world.step([0]);
      const q = jointPosition(scene, world.getState(), 0);
      world.dispose();
      return q;
    };
    // The servo pulls with 1 N·m/rad towards 0; friction of 0.2 N·m holds it anywhere within 0.2 rad.
    expect(Math.abs(servoed(0))).toBeLessThan(0.01);
    const withFriction = servoed(0.2);
    expect(withFriction).toBeGreaterThan(0.02);
    expect(withFriction).toBeLessThan(0.2 + 0.01);
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

  it('steps a state as a new world does after any history when built for rollouts (freshContacts), not otherwise', () => {
    // A box tumbling onto a table: Rapier's contact solver warm-starts from the impulses it tracked.
    const table: BodyDesc = { name: 'table', kind: 'fixed', pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [1, 1, 0.05] } }] };
    const box: BodyDesc = { name: 'box', kind: 'dynamic', mass: 1, pose: { position: [0, 0, 0.06], rotation: axisAngle([1, 0, 0], 0.3) }, geoms: [{ shape: { type: 'box', halfExtents: [0.05, 0.05, 0.05] } }] };
    const scene: SceneDescription = { name: 'tumble', gravity: [0, 0, -9.81], timestep: 0.005, solverIterations: 4, bodies: [table, box], joints: [], actuators: [], markers: [] };
    const run = (world: PhysicsWorld, start: Float64Array, steps: number) => {
      world.setState(start);
      for (let i = 0; i < steps; i++) world.step([]);
      return Array.from(world.getState());
    };
    const fresh = new PhysicsWorld(R, scene);
    const start = fresh.getState();
    const afresh = run(fresh, start, 50);
    fresh.dispose();
    // Box 1's x moved 1 cm: the same contact features, other impulses.
    const elsewhere = Float64Array.from(afresh, (v, i) => (i === 13 ? v + 0.01 : v));
    for (const freshContacts of [true, false]) {
      const used = new PhysicsWorld(R, scene, { freshContacts });
      run(used, elsewhere, 25);
      if (freshContacts) expect(run(used, start, 50)).toEqual(afresh);
      else expect(run(used, start, 50)).not.toEqual(afresh);
      used.dispose();
    }
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

  it('stops a revolute joint at its limits, both ways', () => {
    // Released at 0.39 rad on one side, a pendulum swings to −0.39 rad on the other unless a limit at 0.2 rad stops it.
    for (const side of [1, -1]) {
      const { world, scene } = pendulumAt(side * 0.39, 0.6);
      const stop = 0.2;
      const limited = new PhysicsWorld(R, { ...scene, joints: [{ ...scene.joints[0]!, limits: side > 0 ? [-stop, 0.4] : [-0.4, stop] }] });
      limited.setState(world.getState());
      let far = 0;
      for (let i = 0; i < 200; i++) {
        limited.step();
        far = Math.max(far, -side * jointPosition(scene, limited.getState(), 0));
      }
      expect(far).toBeGreaterThan(stop - 0.02);
      expect(far).toBeLessThan(stop + 0.03);
      world.dispose();
      limited.dispose();
    }
  });

  it('swings a ball-jointed pendulum in every direction about its anchor', () => {
    const anchor = [0, 0, 1] as const;
    const scene: SceneDescription = {
      name: 'ball', gravity: [0, 0, -9.81], timestep: 0.002, solverIterations: 4, markers: [], actuators: [],
      bodies: [
        { name: 'pivot', kind: 'fixed', pose: { position: [...anchor], rotation: [0, 0, 0, 1] }, geoms: [] },
        { name: 'bob', kind: 'dynamic', mass: 1, pose: { position: [0, 0, 0.6], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'sphere', radius: 0.05 } }] },
      ],
      joints: [{ name: 'ball', type: 'spherical', parent: 0, child: 1, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0.4], axis: [0, 0, 1] }],
    };
    const world = new PhysicsWorld(R, scene);
    const state = world.getState();
    // Pushed sideways in x and y at once: a conical swing about the pivot.
    state.set([0.8, 0.4, 0], 13 + 7);
    state.set([-0.4 / 0.4, 0.8 / 0.4, 0], 13 + 10);
    world.setState(state);
    let maxX = 0;
    let maxY = 0;
    let worstGap = 0;
    for (let i = 0; i < 500; i++) {
      world.step();
      const p = bodyPosition(world.getState(), 1);
      maxX = Math.max(maxX, Math.abs(p[0]));
      maxY = Math.max(maxY, Math.abs(p[1]));
      worstGap = Math.max(worstGap, Math.abs(Math.hypot(p[0] - anchor[0], p[1] - anchor[1], p[2] - anchor[2]) - 0.4));
    }
    expect(maxX).toBeGreaterThan(0.05);
    expect(maxY).toBeGreaterThan(0.02);
    expect(worstGap).toBeLessThan(0.002); // the bob stays on its 0.4 m sphere
    world.dispose();
  });

  describe('contacts()', () => {
    const ground: BodyDesc = { name: 'ground', kind: 'fixed', pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [1, 1, 0.05] } }] };
    const box = (name: string, z: number, mass: number): BodyDesc => ({
      name, kind: 'dynamic', mass, pose: { position: [0.1, -0.2, z], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [0.05, 0.05, 0.05] } }],
    });
    const scene = (bodies: BodyDesc[], solverIterations = 4): SceneDescription => ({
      name: 'boxes', gravity: [0, 0, -9.81], timestep: 0.01, solverIterations, bodies, joints: [], actuators: [], markers: [],
    });
    const settle = (world: PhysicsWorld) => {
      for (let i = 0; i < 200; i++) world.step();
      return unpackContacts(world.contacts());
    };

    for (const iterations of [1, 4]) {
      it(`finds a resting box's four corners, normals up, forces summing to m·g (${iterations} solver iterations)`, () => {
        const world = new PhysicsWorld(R, scene([ground, box('box', 0.05, 2)], iterations));
        const contacts = settle(world);
        expect(contacts).toHaveLength(4);
        const total = contacts.reduce((sum, c) => sum + c.force, 0);
        expect(Math.abs(total - 2 * 9.81) / (2 * 9.81)).toBeLessThan(0.02);
        for (const c of contacts) {
          expect(c.normal[2]).toBeCloseTo(1, 5);
          expect(c.force).toBeCloseTo(total / 4, 1);
          expect(Math.abs(c.point[0] - 0.1)).toBeCloseTo(0.05, 3);
          expect(Math.abs(c.point[1] + 0.2)).toBeCloseTo(0.05, 3);
          expect(c.point[2]).toBeCloseTo(0, 3);
        }
        world.dispose();
      });
    }

    it('points normals at the body that takes the force, whatever the creation order', () => {
      // Box first, ground second: the force on the box is still up.
      const flipped = new PhysicsWorld(R, scene([box('box', 0.05, 1), ground]));
      expect(settle(flipped).map((c) => c.normal[2])).toEqual([1, 1, 1, 1]);
      flipped.dispose();
      // A stack: the lower box pushes the upper one up with its weight, the ground carries both.
      const stack = new PhysicsWorld(R, scene([ground, box('lower', 0.05, 1), box('upper', 0.15, 3)]));
      const contacts = settle(stack);
      expect(contacts).toHaveLength(8);
      const between = contacts.filter((c) => c.point[2] > 0.05);
      const onGround = contacts.filter((c) => c.point[2] < 0.05);
      const sum = (cs: typeof contacts) => cs.reduce((s, c) => s + c.force, 0);
      for (const c of contacts) expect(c.normal[2]).toBeCloseTo(1, 5);
      expect(sum(between)).toBeCloseTo(3 * 9.81, 0);
      expect(sum(onGround)).toBeCloseTo(4 * 9.81, 0);
      stack.dispose();
    });

    it('reports nothing for a state set since the last step', () => {
      const world = new PhysicsWorld(R, scene([ground, box('box', 0.05, 1)]));
      expect(world.contacts()).toHaveLength(0);
      settle(world);
      const state = world.getState();
      state[13 + 2] = 2; // lift the box off the ground
      world.setState(state);
      expect(world.contacts()).toHaveLength(0);
      world.step();
      expect(world.contacts()).toHaveLength(0);
      world.dispose();
    });
  });
});
