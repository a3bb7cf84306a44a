/**
 * How to lay out vectorized environments (issue: train/): one Rapier world per environment, as
 * train/env/vec-env.ts does, or every robot in one world, which Isaac Lab does on the GPU. The robots of one
 * world share the ground and never touch each other: robot bodies sit in one collision group that does
 * not collide with itself (self-collision off, sim/robot/robot-scene.ts), so copies do not either.
 * Both layouts step the same go2-walk robots from the same reset states with the default-pose action,
 * interleaved, one thread:
 *   vec-env-layout-world-per-env (robot steps/s), vec-env-layout-one-world (robot steps/s), and their ratio.
 */
import { BODY_STATE_SIZE, type SceneDescription } from '../../sim/scene.ts';
import { Random } from '../../sim/random.ts';
import { loadRapier, type Rapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import type { TaskInstance } from '../../sim/task.ts';
import { buildTask } from '../../train/env/task-build.ts';
import { round, type BenchResult, type BenchSuite } from '../result.ts';

const TASK = 'go2-walk';
const ENVS = 32;
const STEPS = 100;
/** Metres between neighbouring robots in the shared world (they cannot collide; this keeps the broad phase honest). */
const SPACING = 1.5;

/** The scene's fixed bodies (shared by every copy) and its moving ones (copied), by index. */
function splitBodies(scene: SceneDescription): { shared: number[]; own: number[] } {
  const shared: number[] = [];
  const own: number[] = [];
  scene.bodies.forEach((b, i) => (b.kind === 'fixed' ? shared : own).push(i));
  return { shared, own };
}

/** `n` copies of a scene's dynamic bodies (their joints and actuators with them) on one copy of its fixed bodies. */
export function replicateScene(scene: SceneDescription, n: number, spacing: number): SceneDescription {
  const { shared, own } = splitBodies(scene);
  const out: SceneDescription = { ...scene, name: `${scene.name} ×${n}`, bodies: shared.map((i) => scene.bodies[i]!), joints: [], actuators: [], sensors: [], markers: [] };
  for (let copy = 0; copy < n; copy++) {
    const index = new Map(shared.map((b, k) => [b, k] as const));
    const offset = spacing * copy;
    for (const b of own) {
      index.set(b, out.bodies.length);
      const body = scene.bodies[b]!;
      const [x, y, z] = body.pose.position;
      out.bodies.push({ ...body, name: `${body.name}#${copy}`, pose: { ...body.pose, position: [x + offset, y, z] } });
    }
    const firstJoint = out.joints.length;
    for (const j of scene.joints) {
      out.joints.push({ ...j, name: `${j.name}#${copy}`, parent: index.get(j.parent)!, child: index.get(j.child)!, ...(j.mimic ? { mimic: { ...j.mimic, joint: j.mimic.joint + firstJoint } } : {}) });
    }
    for (const a of scene.actuators) out.actuators.push({ ...a, name: `${a.name}#${copy}`, joint: a.joint + firstJoint });
  }
  return out;
}

/** The copies' reset states in the replicated scene's layout (the fixed bodies' from the first). */
export function replicateStates(scene: SceneDescription, states: Float64Array[], spacing: number): Float64Array {
  const body = (s: Float64Array, i: number) => s.subarray(i * BODY_STATE_SIZE, (i + 1) * BODY_STATE_SIZE);
  const { shared, own } = splitBodies(scene);
  const out = new Float64Array((shared.length + own.length * states.length) * BODY_STATE_SIZE);
  shared.forEach((b, k) => out.set(body(states[0]!, b), k * BODY_STATE_SIZE));
  let at = shared.length * BODY_STATE_SIZE;
  states.forEach((s, copy) => {
    for (const b of own) {
      out.set(body(s, b), at);
      out[at] = out[at]! + spacing * copy;
      at += BODY_STATE_SIZE;
    }
  });
  return out;
}

interface Layout {
  step(): void;
  dispose(): void;
}

function worldPerEnv(R: Rapier, task: TaskInstance, states: Float64Array[], hold: Float64Array): Layout {
  const worlds = states.map((s) => {
    const w = new PhysicsWorld(R, task.scene);
    w.setState(s);
    return w;
  });
  return { step: () => worlds.forEach((w) => w.step(hold)), dispose: () => worlds.forEach((w) => w.dispose()) };
}

function oneWorld(R: Rapier, task: TaskInstance, states: Float64Array[], hold: Float64Array): Layout {
  const world = new PhysicsWorld(R, replicateScene(task.scene, states.length, SPACING));
  world.setState(replicateStates(task.scene, states, SPACING));
  const holds = new Float64Array(hold.length * states.length);
  for (let i = 0; i < states.length; i++) holds.set(hold, i * hold.length);
  return { step: () => world.step(holds), dispose: () => world.dispose() };
}

/** Robot physics steps per second over STEPS steps of every robot. */
function rate(layout: Layout): number {
  const t0 = performance.now();
  for (let i = 0; i < STEPS; i++) layout.step();
  return (ENVS * STEPS) / ((performance.now() - t0) / 1000);
}

async function run(): Promise<BenchResult[]> {
  const R = await loadRapier();
  const { task } = buildTask(TASK);
  const states = Array.from({ length: ENVS }, (_, i) => task.reset(new Random(i)));
  const hold = task.holdAction!(states[0]!);
  const perEnv = worldPerEnv(R, task, states, hold);
  const shared = oneWorld(R, task, states, hold);
  try {
    rate(perEnv);
    rate(shared);
    const a: number[] = [];
    const b: number[] = [];
    for (let i = 0; i < 3; i++) {
      a.push(rate(perEnv));
      b.push(rate(shared));
    }
    const perEnvRate = Math.max(...a);
    const sharedRate = Math.max(...b);
    const details = { task: TASK, envs: ENVS, physicsSteps: STEPS, note: 'robot physics steps (2 ms) per wall second, one thread, best of 3 interleaved runs' };
    return [
      { name: 'vec-env-layout-world-per-env', value: Math.round(perEnvRate), unit: 'steps/s', details },
      { name: 'vec-env-layout-one-world', value: Math.round(sharedRate), unit: 'steps/s', details },
      { name: 'vec-env-layout-one-world-vs-per-env', value: round(sharedRate / perEnvRate, 3), unit: 'ratio', details },
    ];
  } finally {
    perEnv.dispose();
    shared.dispose();
  }
}

export const vecEnvLayout: BenchSuite = { name: 'vec-env-layout', run };
