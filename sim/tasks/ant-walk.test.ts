import { describe, expect, it } from 'vitest';
import { antWalk, FALL_HEIGHT } from './ant-walk.ts';
import { ANT_DENSITY, ANT_GROUND, ANT_TORSO, antLowerLeg, antStandingHeight, antStandingPose } from './ant-body.ts';
import { defaults } from '../params.ts';
import { Random } from '../random.ts';
import { bodyLinearVelocity, bodyPosition, bodyRotation, jointPosition, rotate, writeBody } from '../kinematics.ts';
import { loadRapier } from '../rapier/load-rapier.ts';
import { PhysicsWorld } from '../rapier/physics-world.ts';
import type { SceneDescription } from '../scene.ts';
import type { TaskInstance } from '../task.ts';

const R = await loadRapier();
const task = antWalk.build(defaults(antWalk.params));
const scene = task.scene;
const DEG = Math.PI / 180;

/** Runs the task's scene for `seconds` at its control period with actions from `policy`, checking every control step. */
function simulate(t: TaskInstance, seconds: number, policy: (state: Float64Array, step: number) => ArrayLike<number>, check: (state: Float64Array) => void, seed = 0) {
  const world = new PhysicsWorld(R, t.scene);
  const state = t.reset(new Random(seed));
  world.setState(state);
  const substeps = Math.round(t.timing.controlDt / t.scene.timestep);
  try {
    for (let k = 0; k < seconds / t.timing.controlDt; k++) {
      const action = policy(state, k);
      for (let i = 0; i < substeps; i++) world.step(action);
      world.getState(state);
      check(state);
    }
  } finally {
    world.dispose();
  }
  return state;
}

/** Largest distance between the two ends of a joint (0 for a joint that holds). */
function jointSeparation(s: SceneDescription, state: Float64Array): number {
  let worst = 0;
  for (const j of s.joints) {
    const a = rotate(bodyRotation(state, j.parent), j.anchorParent);
    const b = rotate(bodyRotation(state, j.child), j.anchorChild);
    const pa = bodyPosition(state, j.parent);
    const pb = bodyPosition(state, j.child);
    worst = Math.max(worst, Math.hypot(pa[0] + a[0] - pb[0] - b[0], pa[1] + a[1] - pb[1] - b[1], pa[2] + a[2] - pb[2] - b[2]));
  }
  return worst;
}

describe('ant body', () => {
  it("has ant.xml's layout: 9 bodies, 8 hinges within their ranges, 8 position servos", () => {
    expect(scene.bodies).toHaveLength(10);
    expect(scene.joints.map((j) => j.name)).toEqual(['hip_1', 'ankle_1', 'hip_2', 'ankle_2', 'hip_3', 'ankle_3', 'hip_4', 'ankle_4']);
    expect(scene.actuators.every((a) => a.kind === 'position')).toBe(true);
    expect(scene.joints[0]!.limits).toEqual([-30 * DEG, 30 * DEG]);
    expect(scene.joints[1]!.limits).toEqual([30 * DEG, 70 * DEG]);
    expect(scene.joints[3]!.limits).toEqual([-70 * DEG, -30 * DEG]);
  });

  it("masses come from ant.xml's density: the same as Rapier computes from the geoms, 0.91 kg in all", () => {
    const plain = structuredClone(scene);
    for (const b of plain.bodies) {
      delete b.inertial;
      for (const g of b.geoms) g.density = ANT_DENSITY;
    }
    const world = new PhysicsWorld(R, plain);
    for (let b = 0; b < ANT_GROUND; b++) expect(scene.bodies[b]!.inertial!.mass).toBeCloseTo(world.bodyMass(b), 6);
    // The torso carries no armature: its inertia is the geometric one.
    const sorted = (v: readonly number[]) => [...v].sort((a, b) => a - b);
    sorted(scene.bodies[ANT_TORSO]!.inertial!.principal).forEach((I, k) => expect(I).toBeCloseTo(sorted(world.bodyInertia(ANT_TORSO).principal)[k]!, 5));
    const total = scene.bodies.reduce((m, b) => m + (b.inertial?.mass ?? 0), 0);
    expect(total).toBeCloseTo(0.911, 3);
    world.dispose();
  });

  it('resets standing on its four feet with the joints at the standing pose', () => {
    const s = task.reset(new Random(0));
    const pose = antStandingPose();
    scene.actuators.forEach((a, i) => expect(jointPosition(scene, s, a.joint)).toBeCloseTo(pose[i]!, 1));
    // The lowest foot (the capsule's far end) starts 5 mm above the ground, the others within the reset noise.
    const clearance: number[] = [];
    for (let leg = 0; leg < 4; leg++) {
      const b = antLowerLeg(leg);
      const geom = scene.bodies[b]!.geoms[0]!;
      const centre = geom.pose!.position;
      const foot: [number, number, number] = [2 * centre[0], 2 * centre[1], 2 * centre[2]];
      const p = bodyPosition(s, b);
      const f = rotate(bodyRotation(s, b), foot);
      clearance.push(p[2] + f[2] - 0.08);
    }
    expect(Math.min(...clearance)).toBeCloseTo(0.005, 6);
    expect(Math.max(...clearance)).toBeLessThan(0.03);
  });
});

describe('ant-walk stability', () => {
  it.each([0, 1, 2])('stays sane under random servo targets for 10 s (seed %i)', (seed) => {
    const random = new Random(100 + seed);
    const action = new Float64Array(task.actionDim);
    let worstSeparation = 0;
    let worstLimit = 0;
    let fastest = 0;
    const end = simulate(task, 10, () => {
      scene.actuators.forEach((a, i) => (action[i] = random.range(a.ctrlRange[0], a.ctrlRange[1])));
      return action;
    }, (s) => {
      expect(s.every(Number.isFinite)).toBe(true);
      const [x, y, z] = bodyPosition(s, ANT_TORSO);
      expect(z).toBeGreaterThan(0.3);
      expect(z).toBeLessThan(0.8);
      expect(Math.hypot(x, y)).toBeLessThan(2);
      for (let b = 0; b < ANT_GROUND; b++) fastest = Math.max(fastest, Math.hypot(...bodyLinearVelocity(s, b)));
      worstSeparation = Math.max(worstSeparation, jointSeparation(scene, s));
      scene.joints.forEach((j, i) => {
        const q = jointPosition(scene, s, i);
        worstLimit = Math.max(worstLimit, j.limits![0] - q, q - j.limits![1]);
      });
    }, seed);
    expect(task.terminated!(end)).toBe(false);
    expect(fastest).toBeLessThan(6);
    expect(worstSeparation).toBeLessThan(0.005);
    expect(worstLimit).toBeLessThan(2 * DEG);
  });

  it('stands with the hold action: height within 1 cm of standing, servos within 2° of their targets', () => {
    let hold: Float64Array | undefined;
    const standing = antStandingHeight(antStandingPose());
    let worstJoint = 0;
    let low = Infinity;
    let high = -Infinity;
    simulate(task, 10, (s) => (hold ??= task.holdAction!(s)), (s) => {
      const z = bodyPosition(s, ANT_TORSO)[2];
      low = Math.min(low, z);
      high = Math.max(high, z);
      scene.actuators.forEach((a, i) => (worstJoint = Math.max(worstJoint, Math.abs(jointPosition(scene, s, a.joint) - hold![i]!))));
    });
    expect(low).toBeGreaterThan(standing - 0.01);
    expect(high).toBeLessThan(standing + 0.01);
    expect(worstJoint).toBeLessThan(2 * DEG);
  });

  it('stands with zero action (ankles clamped to 30°): lower, but up and level', () => {
    const zero = new Float64Array(task.actionDim);
    const end = simulate(task, 10, () => zero, (s) => expect(task.terminated!(s)).toBe(false));
    const z = bodyPosition(end, ANT_TORSO)[2];
    // 0.36 m with the ankles at 30°; the servos give way by 3–4° under the splayed legs (docs/physics.md, "Ant").
    expect(z).toBeGreaterThan(FALL_HEIGHT + 0.02);
    expect(z).toBeLessThan(antStandingHeight(antStandingPose()) - 0.05);
    expect(Math.hypot(bodyPosition(end, ANT_TORSO)[0], bodyPosition(end, ANT_TORSO)[1])).toBeLessThan(0.1);
  });
});

describe('ant-walk task', () => {
  it('ends the episode when the torso is low or flipped', () => {
    const s = task.reset(new Random(0));
    expect(task.terminated!(s)).toBe(false);
    const low = s.slice();
    writeBody(low, ANT_TORSO, [0, 0, FALL_HEIGHT - 0.01]);
    expect(task.terminated!(low)).toBe(true);
    const flipped = s.slice();
    writeBody(flipped, ANT_TORSO, bodyPosition(s, ANT_TORSO), [1, 0, 0, 0]);
    expect(task.terminated!(flipped)).toBe(true);
  });

  it("observes Gymnasium Ant's 27 numbers", () => {
    const s = task.reset(new Random(0));
    const obs = task.observe(s);
    expect(obs).toHaveLength(27);
    expect(obs[0]).toBeCloseTo(bodyPosition(s, ANT_TORSO)[2]);
    expect(Array.from(obs.slice(1, 5))).toEqual([1, 0, 0, 0]);
    scene.actuators.forEach((a, i) => expect(obs[5 + i]).toBeCloseTo(jointPosition(scene, s, a.joint), 9));
    expect(Array.from(obs.slice(13))).toEqual(new Array(14).fill(0));
  });

  it('succeeds only when the mean forward speed over the last 3 s reaches half the target', () => {
    const run = (speed: number) => {
      const monitor = task.monitor();
      const s = task.reset(new Random(0));
      for (let k = 1; k <= 250; k++) {
        writeBody(s, ANT_TORSO, [speed * k * 0.02, 0, 0.5]);
        monitor.record(k * 0.02, s, new Float64Array(8));
      }
      return monitor.result();
    };
    const walking = run(0.6);
    expect(walking.success).toBe(true);
    expect(walking.metrics.meanSpeed).toBeCloseTo(0.6, 6);
    expect(walking.metrics.distance).toBeCloseTo(0.6 * 4.98, 6);
    const slow = run(0.4);
    expect(slow.success).toBe(false);
  });

  it('declares its costs: the forward velocity residual is zero at the target speed', () => {
    const s = task.reset(new Random(0));
    writeBody(s, ANT_TORSO, bodyPosition(s, ANT_TORSO), [0, 0, 0, 1], [1, 0, 0]);
    const r = new Float64Array(task.costTerms.reduce((n, t) => n + t.dim, 0));
    task.residual(s, antStandingPose(), r);
    expect(r[0]).toBeCloseTo(0);
    expect(r[6]).toBe(0);
    expect(Array.from(r.slice(7))).toEqual(new Array(8).fill(0));
  });

  it.each([0, 0.3, -2.5])('commands a policy the way to +x in its yaw frame, and a turn back (yaw %f rad)', (yaw) => {
    const s = task.reset(new Random(0));
    writeBody(s, ANT_TORSO, bodyPosition(s, ANT_TORSO), [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)]);
    const command = Array.from(task.commandFor!(s));
    [Math.cos(yaw), -Math.sin(yaw), Math.min(1, Math.max(-1, -0.5 * yaw))].forEach((x, i) => expect(command[i]).toBeCloseTo(x, 9));
  });

  it.each([0.3, -2.5, 3])('penalises the heading: the heading residual is the torso yaw (%f rad)', (yaw) => {
    const s = task.reset(new Random(0));
    writeBody(s, ANT_TORSO, bodyPosition(s, ANT_TORSO), [0, 0, Math.sin(yaw / 2), Math.cos(yaw / 2)]);
    const r = new Float64Array(task.costTerms.reduce((n, t) => n + t.dim, 0));
    task.residual(s, antStandingPose(), r);
    expect(task.costTerms.map((t) => t.name)).toContain('heading');
    expect(r[6]).toBeCloseTo(yaw, 9);
  });
});
