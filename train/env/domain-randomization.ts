/**
 * Domain randomization, declared as data per task: what each training environment varies so a policy
 * does not overfit one exact simulator (legged_gym's `domain_rand`, plus the observation noise and the
 * 0–1 step action latency of the stochastic-execution-delay paper in the seed list).
 *
 * Per environment, once (each environment has its own Rapier world): contact friction, the base's
 * added mass and servo gains. Per episode: motor strength and whether actions arrive one control step late. Per step:
 * observation noise. Every few seconds: a push.
 */
import type { SceneDescription } from '../../protocol/scene.ts';
import type { Rapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import type { Random } from '../../sim/random.ts';
import { BODY_STATE_SIZE, floatingBase } from '../../sim/scene.ts';

export interface DomainRandomization {
  /** Multiplies every geom's contact friction, uniform in [lo, hi]. */
  friction?: [number, number];
  /** Added to the base body's mass, kg, uniform in [lo, hi] (the floating base, else the first moving body). */
  addedBaseMass?: [number, number];
  /** Multiplies each torque command, uniform in [lo, hi] per actuator and episode (torque actuators). */
  motorStrength?: [number, number];
  /** Multiplies each servo's kp and kd, uniform in [lo, hi] per actuator and environment (position and velocity servos). */
  servoGains?: [number, number];
  /** Standard deviation of Gaussian noise added to every card observation entry. */
  observationNoise?: number;
  /** Probability that an episode applies each action one control step late (else at once). */
  actionLatency?: number;
  /**
   * legged_gym's push_robots: every `intervalSeconds` of an episode the robot is shoved — the base's
   * horizontal velocity set to a random one, each component uniform in ±`maxVelocity` m/s.
   */
  pushes?: { intervalSeconds: number; maxVelocity: number };
}

/** Rapier's contact friction when a geom names none (sim/rapier/physics-world.ts). */
const DEFAULT_FRICTION = 0.8;

/** The ranges each task trains with under `--randomize` (legged_gym's defaults for the legged robots). */
export const TASK_RANDOMIZATION: Record<string, DomainRandomization> = {
  'cartpole-swingup': { addedBaseMass: [-0.2, 0.2], motorStrength: [0.9, 1.1], observationNoise: 0.01, actionLatency: 0.5 },
  'pendulum-swingup': { motorStrength: [0.9, 1.1], observationNoise: 0.01, actionLatency: 0.5 },
  'ant-walk': { friction: [0.5, 1.25], addedBaseMass: [-0.1, 0.1], servoGains: [0.9, 1.1], observationNoise: 0.01, actionLatency: 0.5, pushes: { intervalSeconds: 4, maxVelocity: 0.5 } },
  'go2-walk': { friction: [0.5, 1.25], addedBaseMass: [-1, 1], servoGains: [0.9, 1.1], observationNoise: 0.01, actionLatency: 0.5, pushes: { intervalSeconds: 15, maxVelocity: 1 } },
};

export function taskRandomization(taskId: string): DomainRandomization {
  const r = TASK_RANDOMIZATION[taskId];
  if (!r) throw new Error(`--randomize: task '${taskId}' declares no domain randomization; tasks that do: ${Object.keys(TASK_RANDOMIZATION).join(', ')}`);
  return r;
}

/** The body whose mass `addedBaseMass` changes. */
export function baseBody(scene: SceneDescription): number {
  const base = floatingBase(scene);
  if (base !== undefined) return base;
  const moving = scene.bodies.findIndex((b) => b.kind === 'dynamic');
  if (moving < 0) throw new Error(`scene '${scene.name}' has no moving body to add mass to`);
  return moving;
}

/** A body's mass: its explicit inertial or mass, else what Rapier computes from its geoms' densities. */
export function bodyMass(R: Rapier, scene: SceneDescription, index: number): number {
  const body = scene.bodies[index]!;
  if (body.inertial) return body.inertial.mass;
  if (body.mass !== undefined) return body.mass;
  const world = new PhysicsWorld(R, scene);
  try {
    return world.bodyMass(index);
  } finally {
    world.dispose();
  }
}

/**
 * One environment's scene: friction scaled, base mass `baseMass + added` (baseMass is the body's mass
 * as Rapier computed it, which geom densities may define), servo gains scaled. The input scene is not changed.
 */
export function randomizeScene(scene: SceneDescription, r: DomainRandomization, random: Random, baseMass: number): SceneDescription {
  const out: SceneDescription = { ...scene, bodies: scene.bodies.map((b) => ({ ...b, geoms: b.geoms.map((g) => ({ ...g })) })), actuators: scene.actuators.map((a) => ({ ...a })) };
  if (r.friction) {
    const k = random.range(...r.friction);
    for (const b of out.bodies) for (const g of b.geoms) g.friction = (g.friction ?? DEFAULT_FRICTION) * k;
  }
  if (r.addedBaseMass) {
    const added = random.range(...r.addedBaseMass);
    const body = out.bodies[baseBody(scene)]!;
    // Never below a tenth of the body's own mass: a negative mass would break the solver.
    const mass = Math.max(0.1 * baseMass, baseMass + added);
    if (body.inertial) body.inertial = { ...body.inertial, mass };
    else body.mass = mass;
  }
  if (r.servoGains) {
    for (const a of out.actuators) {
      if ((a.kind ?? 'motor') === 'motor') continue;
      const k = random.range(...r.servoGains);
      if (a.kp !== undefined) a.kp *= k;
      if (a.kv !== undefined) a.kv *= k;
    }
  }
  return out;
}

/** Per-episode draws: each actuator's strength and whether this episode's actions arrive a step late. */
export function drawEpisode(r: DomainRandomization, random: Random, actuators: number): { strength: Float64Array; delayed: boolean } {
  const strength = Float64Array.from({ length: actuators }, () => (r.motorStrength ? random.range(...r.motorStrength) : 1));
  return { strength, delayed: r.actionLatency !== undefined && random.uniform() < r.actionLatency };
}

/** Checks ranges as a user would write them (lo ≤ hi, probabilities in [0, 1], noise ≥ 0), naming the field. */
export function checkRandomization(r: DomainRandomization, label: string): void {
  for (const key of ['friction', 'addedBaseMass', 'motorStrength', 'servoGains'] as const) {
    const range = r[key];
    if (range && !(range.length === 2 && Number.isFinite(range[0]) && Number.isFinite(range[1]) && range[0] <= range[1])) throw new Error(`${label}.${key}: expected [lo, hi] with lo ≤ hi, got ${JSON.stringify(range)}`);
  }
  if (r.friction && r.friction[0] < 0) throw new Error(`${label}.friction: a friction factor cannot be negative (${r.friction[0]})`);
  if (r.servoGains && !(r.servoGains[0] > 0)) throw new Error(`${label}.servoGains: a gain factor must be > 0, got ${r.servoGains[0]}`);
  if (r.observationNoise !== undefined && !(r.observationNoise >= 0)) throw new Error(`${label}.observationNoise: expected ≥ 0, got ${r.observationNoise}`);
  if (r.actionLatency !== undefined && !(r.actionLatency >= 0 && r.actionLatency <= 1)) throw new Error(`${label}.actionLatency: a probability in [0, 1], got ${r.actionLatency}`);
  if (r.pushes && !(r.pushes.intervalSeconds > 0 && r.pushes.maxVelocity >= 0)) throw new Error(`${label}.pushes: expected intervalSeconds > 0 and maxVelocity ≥ 0, got ${JSON.stringify(r.pushes)}`);
}

/**
 * Shoves a robot (legged_gym's _push_robots): the base's horizontal velocity becomes a random one, and every
 * other moving body gets the same change, so the joints between them are not torn apart.
 */
export function pushRobot(state: Float64Array, scene: SceneDescription, maxVelocity: number, random: Random): void {
  const base = baseBody(scene) * BODY_STATE_SIZE;
  const dx = random.range(-maxVelocity, maxVelocity) - state[base + 7]!;
  const dy = random.range(-maxVelocity, maxVelocity) - state[base + 8]!;
  scene.bodies.forEach((b, i) => {
    if (b.kind !== 'dynamic') return;
    state[i * BODY_STATE_SIZE + 7] = state[i * BODY_STATE_SIZE + 7]! + dx;
    state[i * BODY_STATE_SIZE + 8] = state[i * BODY_STATE_SIZE + 8]! + dy;
  });
}
