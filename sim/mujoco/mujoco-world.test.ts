import { describe, expect, it } from 'vitest';
import { axisAngle, bodyPosition, bodyRotation, jointPosition, jointVelocity, rotate } from '../kinematics.ts';
import { defaults } from '../params.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { PhysicsWorld } from '../rapier/physics-world.ts';
import { Random } from '../random.ts';
import type { BodyDesc, SceneDescription } from '../scene.ts';
import { unpackContacts } from '../../protocol/contacts.ts';
import { cartpoleSwingup } from '../tasks/cartpole-swingup.ts';
import { pendulumScene } from '../tasks/pendulum-swingup.ts';
import { findTask } from '../tasks/index.ts';
import { ROBOT_TASK_PREFIX } from '../tasks/free-play.ts';
import { projectPath } from '../project-paths.ts';
import { loadMujoco } from './load-mujoco.ts';
import { MujocoWorld, geomsCanCollide } from './mujoco-world.ts';

const mj = await loadMujoco();
const BARKOUR = projectPath('assets/robots/barkour_vb/barkour_vb.xml');
const GO2 = projectPath('assets/robots/go2/example-robot-data/robots/go2_description/urdf/go2.urdf');

function boxScene(gravity: [number, number, number] = [0, 0, -9.81]): SceneDescription {
  return {
    name: 'box',
    gravity,
    timestep: 0.002,
    solverIterations: 4,
    bodies: [{ name: 'box', kind: 'dynamic', pose: { position: [0, 0, 5], rotation: [0, 0, 0, 1] }, mass: 2, geoms: [{ shape: { type: 'box', halfExtents: [0.1, 0.2, 0.3] } }] }],
    joints: [],
    actuators: [],
    markers: [],
  };
}

describe('MujocoWorld', () => {
  it('drops a free body as gravity says: z = z0 − g t²/2 and v = −g t, its mass as the scene gives it', () => {
    const world = new MujocoWorld(mj, boxScene());
    expect(world.bodyMass(0)).toBeCloseTo(2, 9);
    for (let i = 0; i < 250; i++) world.step([]);
    const t = 250 * 0.002;
    const state = world.getState();
    // Semi-implicit Euler is ahead of the exact parabola by g·t·dt/2.
    expect(bodyPosition(state, 0)[2]).toBeCloseTo(5 - (9.81 * t * t) / 2 - (9.81 * t * 0.002) / 2, 6);
    expect(state[9]).toBeCloseTo(-9.81 * t, 9);
    world.dispose();
  });

  it('gives a pendulum the small-amplitude period of its inertia (within 1%)', async () => {
    const length = 0.6;
    const scene = pendulumScene({ length, mass: 1, maxTorque: 1, damping: 0 });
    const world = new MujocoWorld(mj, scene);
    const pivotZ = scene.bodies[0]!.pose.position[2];
    const state = world.getState();
    const angle = 0.05;
    state.set([-Math.sin(angle) * length / 2, 0, pivotZ - Math.cos(angle) * length / 2, ...axisAngle([0, 1, 0], angle)], 13);
    world.setState(state);
    expect(jointPosition(scene, world.getState(), 0)).toBeCloseTo(angle, 9);
    // The same body in Rapier, for its mass and principal inertia (computed from the same geoms).
    const rapier = new PhysicsWorld(await loadRapier(), scene);
    const m = rapier.bodyMass(1);
    expect(world.bodyMass(1)).toBeCloseTo(m, 6);
    const transverse = Math.max(...rapier.bodyInertia(1).principal);
    rapier.dispose();
    const d = length / 2;
    const expected = 2 * Math.PI * Math.sqrt((transverse + m * d * d) / (m * 9.81 * d));
    const crossings: number[] = [];
    let previous = angle;
    for (let i = 1; i < 5000 && crossings.length < 6; i++) {
      world.step([0]);
      const q = jointPosition(scene, world.getState(), 0);
      if (previous < 0 && q >= 0) crossings.push((i - 1 + -previous / (q - previous)) * scene.timestep);
      previous = q;
    }
    const measured = (crossings.at(-1)! - crossings[0]!) / (crossings.length - 1);
    expect(Math.abs(measured - expected) / expected).toBeLessThan(0.01);
    world.dispose();
  });

  it('pushes a motor with gear · ctrl, the control clamped to its range', () => {
    const task = cartpoleSwingup.build({ ...defaults(cartpoleSwingup.params), start: 'upright' });
    const scene: SceneDescription = { ...task.scene, gravity: [0, 0, 0] };
    const world = new MujocoWorld(mj, scene);
    world.setState(task.reset(new Random(0)).fill(0, 13 * 1 + 7, 13 * 1 + 13).fill(0, 13 * 2 + 7, 13 * 2 + 13));
    const start = jointPosition(scene, world.getState(), 0);
    // Command 5 is clamped to 1: a force of gear · 1 = 10 N along the rail, so the horizontal momentum
    // of cart and pole grows by 10 N · t (whatever the pole's swing).
    const steps = 20;
    for (let i = 0; i < steps; i++) world.step([5]);
    const s = world.getState();
    const momentum = world.bodyMass(1) * s[13 + 7]! + world.bodyMass(2) * s[26 + 7]!;
    expect(momentum).toBeCloseTo(10 * steps * scene.timestep, 2);
    expect(jointPosition(scene, world.getState(), 0)).toBeGreaterThan(start);
    world.dispose();
  });

  it('takes a robot state and gives it back: joint angles, base pose and velocities (Go2)', () => {
    const task = findTask(`${ROBOT_TASK_PREFIX}${GO2}`).build({ ...defaults(findTask(`${ROBOT_TASK_PREFIX}${GO2}`).params), height: 0.5 });
    const world = new MujocoWorld(mj, task.scene);
    const state = task.reset(new Random(3));
    // A moving base: 1 m/s forward, spinning about z at 2 rad/s (a rigid motion keeps the joints still).
    const base = 0;
    const origin = bodyPosition(state, base);
    for (let b = 0; b < task.scene.bodies.length; b++) {
      if (task.scene.bodies[b]!.kind === 'fixed') continue;
      const p = bodyPosition(state, b);
      const com = rotate(bodyRotation(state, b), task.scene.bodies[b]!.inertial?.com ?? [0, 0, 0]);
      const r = [p[0] + com[0] - origin[0], p[1] + com[1] - origin[1]];
      state.set([1 - 2 * r[1]!, 2 * r[0]!, 0, 0, 0, 2], b * 13 + 7);
    }
    world.setState(state);
    const back = world.getState();
    for (let j = 0; j < task.scene.joints.length; j++) {
      expect(jointPosition(task.scene, back, j)).toBeCloseTo(jointPosition(task.scene, state, j), 9);
      expect(jointVelocity(task.scene, back, j)).toBeCloseTo(0, 6);
    }
    for (let k = 0; k < 13; k++) expect(back[base * 13 + k]).toBeCloseTo(state[base * 13 + k]!, 6);
    world.dispose();
  });

  it('follows Rapier on the cart-pole for the first second (the same scene, the same pushes)', async () => {
    const task = cartpoleSwingup.build(defaults(cartpoleSwingup.params));
    const start = task.reset(new Random(1));
    const ours = new MujocoWorld(mj, task.scene);
    const rapier = new PhysicsWorld(await loadRapier(), task.scene);
    ours.setState(start);
    rapier.setState(start);
    for (let i = 0; i < 100; i++) {
      const u = [Math.sin(i * 0.05)];
      ours.step(u);
      rapier.step(u);
    }
    const a = ours.getState();
    const b = rapier.getState();
    expect(Math.abs(jointPosition(task.scene, a, 0) - jointPosition(task.scene, b, 0))).toBeLessThan(0.02);
    expect(Math.abs(jointPosition(task.scene, a, 1) - jointPosition(task.scene, b, 1))).toBeLessThan(0.05);
    // It moved: the comparison is not between two resting carts.
    expect(Math.abs(jointPosition(task.scene, a, 0))).toBeGreaterThan(0.3);
    ours.dispose();
    rapier.dispose();
  });

  it('applies a push at a point as a force and a torque for one step', () => {
    const world = new MujocoWorld(mj, boxScene([0, 0, 0]));
    // 2 N along x at 0.1 m above the centre: linear acceleration 1 m/s², and a spin about y.
    world.pushBody(0, [2, 0, 0], [0, 0, 5.1]);
    world.step([]);
    const once = world.getState();
    expect(once[7]).toBeCloseTo(1 * 0.002, 9);
    expect(once[11]).toBeGreaterThan(0);
    world.step([]);
    expect(world.getState()[7]).toBeCloseTo(once[7]!, 12);
    world.dispose();
  });

  it("compiles an MJCF robot natively and matches it to the scene: joints, base pose and velocity round-trip through the file's own frames", () => {
    const def = findTask(`${ROBOT_TASK_PREFIX}${BARKOUR}`);
    const task = def.build({ ...defaults(def.params), height: 0.6 });
    const world = new MujocoWorld(mj, task.scene, { mjcfFile: BARKOUR });
    expect(world.source).toBe('file');
    const state = task.reset(new Random(0));
    const base = task.scene.bodies.findIndex((b) => b.name === 'torso');
    state.set([0.3, -0.2, 0.1, 0.5, 0, 0], base * 13 + 7);
    world.setState(state);
    const back = world.getState();
    for (let j = 0; j < task.scene.joints.length; j++) expect(jointPosition(task.scene, back, j)).toBeCloseTo(jointPosition(task.scene, state, j), 9);
    for (let k = 0; k < 7; k++) expect(back[base * 13 + k]).toBeCloseTo(state[base * 13 + k]!, 9);
    // Every link's world rotation agrees (the file's body frames are not the scene's world-aligned ones).
    for (let b = 0; b < task.scene.bodies.length; b++) {
      const dot = [3, 4, 5, 6].reduce((sum, k) => sum + back[b * 13 + k]! * state[b * 13 + k]!, 0);
      expect(Math.abs(dot)).toBeCloseTo(1, 6);
    }
    // barkour_vb.xml has no floor: the scene's ground is added as a plane, so the dropped robot lands on
    // it (without one it would fall 20 m in these 2 s).
    const hold = Float64Array.from(task.scene.actuators, (a) => jointPosition(task.scene, state, a.joint));
    for (let i = 0; i < 1000; i++) world.step(hold);
    const z = bodyPosition(world.getState(), base)[2];
    expect(z).toBeGreaterThan(0.03);
    expect(z).toBeLessThan(0.4);
    world.dispose();
  });

  it("names what the file lacks when a scene does not match MuJoCo's model of it", () => {
    const def = findTask(`${ROBOT_TASK_PREFIX}${BARKOUR}`);
    const task = def.build(defaults(def.params));
    const renamed = { ...task.scene, joints: task.scene.joints.map((j, i) => (i === 0 ? { ...j, name: 'no_such_joint' } : j)) };
    expect(() => new MujocoWorld(mj, renamed, { mjcfFile: BARKOUR })).toThrow(/MuJoCo's model of '.*barkour_vb.xml' has no joint 'no_such_joint'/);
  });
  it('reports contacts as Rapier does: normals up into the body carried, normal forces adding up to the weight carried', () => {
    const ground: BodyDesc = { name: 'ground', kind: 'fixed', pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [1, 1, 0.05] } }] };
    const box = (name: string, z: number, mass: number): BodyDesc => ({
      name, kind: 'dynamic', mass, pose: { position: [0.1, -0.2, z], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [0.05, 0.05, 0.05] } }],
    });
    // Box first, ground last: the normals still point up, into the bodies that take the force.
    const scene: SceneDescription = { ...boxScene(), timestep: 0.005, bodies: [box('lower', 0.05, 1), box('upper', 0.15, 3), ground] };
    const world = new MujocoWorld(mj, scene);
    for (let i = 0; i < 400; i++) world.step([]);
    const contacts = unpackContacts(world.contacts());
    const sum = (cs: typeof contacts) => cs.reduce((s, c) => s + c.force, 0);
    for (const c of contacts) expect(c.normal[2]).toBeCloseTo(1, 5);
    expect(sum(contacts.filter((c) => c.point[2] > 0.05))).toBeCloseTo(3 * 9.81, 0);
    expect(sum(contacts.filter((c) => c.point[2] < 0.05))).toBeCloseTo(4 * 9.81, 0);
    for (const c of contacts) expect(Math.abs(c.point[0] - 0.1)).toBeLessThan(0.051);
    // Contacts carry their bodies: the lower box's contacts are with the ground (first) or the upper box (second).
    for (const c of contacts) expect(c.bodies).toEqual(c.point[2] > 0.05 ? [0, 1] : [2, 0]);
    world.dispose();
  });

  it('steps a fused world (for rollouts) exactly as mj_step does, with and without contacts, and says it has no contacts', () => {
    // Two boxes dropped onto the ground and a cart-pole pushed to and fro, state read after every step.
    const ground: BodyDesc = { name: 'ground', kind: 'fixed', pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [1, 1, 0.05] } }] };
    const drop = (name: string, z: number): BodyDesc => ({ name, kind: 'dynamic', mass: 1, pose: { position: [0.02 * z, 0, z], rotation: axisAngle([1, 1, 0].map((v) => v / Math.SQRT2) as [number, number, number], z) }, geoms: [{ shape: { type: 'box', halfExtents: [0.05, 0.05, 0.05] } }] });
    const boxes: SceneDescription = { ...boxScene(), bodies: [drop('a', 0.2), drop('b', 0.4), ground] };
    const cartpole = cartpoleSwingup.build(defaults(cartpoleSwingup.params));
    for (const scene of [boxes, cartpole.scene]) {
      const plain = new MujocoWorld(mj, scene);
      const fused = new MujocoWorld(mj, scene, { fuseSteps: true });
      for (let i = 0; i < 300; i++) {
        const push = [Math.sin(i / 10)];
        plain.step(push);
        fused.step(push);
        expect(Array.from(fused.getState()), `${scene.name} step ${i}`).toEqual(Array.from(plain.getState()));
      }
      expect(() => fused.contacts()).toThrow(/fused steps .* does not report contacts/);
      plain.dispose();
      fused.dispose();
    }
  });
  it('steps a state it is set to the same whatever it simulated before (a rollout does not depend on the one its thread ran last)', () => {
    // A box tumbling onto the ground: the contact solver works from a warm start, which setState clears.
    const ground: BodyDesc = { name: 'ground', kind: 'fixed', pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [1, 1, 0.05] } }] };
    const box: BodyDesc = { name: 'box', kind: 'dynamic', mass: 1, pose: { position: [0, 0, 0.06], rotation: axisAngle([1, 0, 0], 0.3) }, geoms: [{ shape: { type: 'box', halfExtents: [0.05, 0.05, 0.05] } }] };
    const scene: SceneDescription = { ...boxScene(), bodies: [box, ground] };
    const run = (world: MujocoWorld, start: Float64Array, steps: number) => {
      world.setState(start);
      for (let i = 0; i < steps; i++) world.step([]);
      return Array.from(world.getState());
    };
    const fresh = new MujocoWorld(mj, scene, { fuseSteps: true });
    const start = fresh.getState();
    const other = run(fresh, start, 40).map((v, i) => (i === 1 ? v + 0.01 : v));
    const used = new MujocoWorld(mj, scene, { fuseSteps: true });
    run(used, Float64Array.from(other), 25);
    expect(run(used, start, 50)).toEqual(run(fresh, start, 50));
    fresh.dispose();
    used.dispose();
  });

  it('skips collision detection only where no two geoms can touch, and the states stay bitwise the same', () => {
    // mujoco-js's own model objects, to compare with contact detection left on.
    type Raw = { model: { opt: { disableflags: number } } };
    const CONTACT = mj.mjtDisableBit.mjDSBL_CONTACT.value;
    const contactsOff = (world: MujocoWorld) => ((world as unknown as Raw).model.opt.disableflags & CONTACT) !== 0;
    const cartpole = cartpoleSwingup.build(defaults(cartpoleSwingup.params));
    // The cart and the pole are parent and child (MuJoCo filters the pair), the rail is visual only.
    const skipped = new MujocoWorld(mj, cartpole.scene, { fuseSteps: true });
    expect(contactsOff(skipped)).toBe(true);
    const detected = new MujocoWorld(mj, cartpole.scene, { fuseSteps: true });
    (detected as unknown as Raw).model.opt.disableflags &= ~CONTACT;
    expect(contactsOff(detected)).toBe(false);
    for (let i = 0; i < 300; i++) {
      const push = [Math.sin(i / 10)];
      skipped.step(push);
      detected.step(push);
      expect(Array.from(skipped.getState()), `step ${i}`).toEqual(Array.from(detected.getState()));
    }
    skipped.dispose();
    detected.dispose();
    // A box over the ground may touch it; a pole whose parent filter is off may touch its cart.
    const ground: BodyDesc = { name: 'ground', kind: 'fixed', pose: { position: [0, 0, -0.05], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [1, 1, 0.05] } }] };
    const boxes = new MujocoWorld(mj, { ...boxScene(), bodies: [...boxScene().bodies, ground] });
    expect(contactsOff(boxes)).toBe(false);
    boxes.dispose();
    const unfiltered = new MujocoWorld(mj, cartpole.scene);
    const model = (unfiltered as unknown as Raw).model;
    model.opt.disableflags = mj.mjtDisableBit.mjDSBL_FILTERPARENT.value;
    expect(geomsCanCollide(mj, model)).toBe(true);
    unfiltered.dispose();
  });
});
