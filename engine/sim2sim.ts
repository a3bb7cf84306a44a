/**
 * Sim-to-sim: the same task and controller run in Rapier and in MuJoCo from the same start (same seed,
 * same reset state), in lock-step, one control step at a time. Each run's own metrics come from the
 * task's monitor as in `actuate run`; between them, how far the two robots drift apart over time: the
 * base's position and heading error (floating bases) and the joints' RMS error.
 */
import { mjcfFileOfTask } from '../sim/mujoco/mujoco-world.ts';
import type { RobotState } from '../sim/robot/robot.ts';
import { episodeSessionOptions, type EpisodeSpec } from './run-episode.ts';
import { Session, type PhysicsEngine } from './session.ts';

export interface Sim2simOptions extends EpisodeSpec {
  /** Seconds between the divergence samples reported (every control step is compared). */
  sampleEvery?: number;
}

export interface Divergence {
  /** Distance between the two bases (m); 0 without a floating base. */
  basePosition: number;
  /** Difference of the bases' headings (yaw, rad, wrapped to [0, π]). */
  heading: number;
  /** RMS over joints of the joint position difference (rad or m; differences wrapped to (−π, π]). */
  jointRms: number;
}

export interface EngineRun {
  success: boolean;
  metrics: Record<string, number>;
  return: number;
  error?: string;
  /** Wall time per control step, µs (the physics steps in it and the controller). */
  controlStepUs: number;
}

export interface Sim2simResult {
  task: string;
  controller: string;
  seed: number;
  seconds: number;
  controlDt: number;
  /** What MuJoCo simulated: the robot's own MJCF file compiled by MuJoCo, or the scene written out as MJCF. */
  mujocoModel: 'mjcf-file' | 'scene';
  runs: Record<PhysicsEngine, EngineRun>;
  divergence: {
    /** Every `sampleEvery` seconds: time and the divergence then. */
    samples: Array<{ t: number } & Divergence>;
    max: Divergence;
    final: Divergence;
  };
}

const ENGINES: PhysicsEngine[] = ['rapier', 'mujoco'];

export async function sim2sim(options: Sim2simOptions): Promise<Sim2simResult> {
  const sessions: Session[] = [];
  try {
    for (const engine of ENGINES) {
      sessions.push(await Session.create(episodeSessionOptions(options, engine)));
    }
    const [rapier, mujoco] = sessions as [Session, Session];
    const controlDt = rapier.task.timing.controlDt;
    const seconds = options.seconds ?? rapier.task.timing.episodeSeconds;
    const steps = Math.round(seconds / controlDt);
    const every = Math.max(1, Math.round((options.sampleEvery ?? 0.1) / controlDt));
    const samples: Sim2simResult['divergence']['samples'] = [];
    const max: Divergence = { basePosition: 0, heading: 0, jointRms: 0 };
    let final = divergence(await rapier.robot.read(), await mujoco.robot.read());
    samples.push({ t: 0, ...final });
    const wall = [0, 0];
    for (let k = 1; k <= steps; k++) {
      for (const [i, session] of sessions.entries()) {
        const t0 = performance.now();
        await session.runFor(k * controlDt);
        wall[i]! += performance.now() - t0;
      }
      final = divergence(await rapier.robot.read(), await mujoco.robot.read());
      for (const key of Object.keys(max) as (keyof Divergence)[]) max[key] = Math.max(max[key], Number.isFinite(final[key]) ? final[key] : Infinity);
      if (k % every === 0 || k === steps) samples.push({ t: round(k * controlDt, 6), ...final });
      if (rapier.snapshot().error || mujoco.snapshot().error) break;
    }
    const run = (session: Session, i: number): EngineRun => {
      const { success, metrics } = session.result();
      const error = session.snapshot().error;
      return {
        success: success && !error,
        metrics,
        return: round(session.return, 4),
        ...(error ? { error } : {}),
        controlStepUs: round((wall[i]! * 1000) / Math.max(1, session.controlSteps), 1),
      };
    };
    return {
      task: options.taskId,
      controller: rapier.snapshot().controller.id,
      seed: options.seed,
      seconds: round(rapier.simTime, 6),
      controlDt,
      mujocoModel: mjcfFileOfTask(options.taskId) ? 'mjcf-file' : 'scene',
      runs: { rapier: run(rapier, 0), mujoco: run(mujoco, 1) },
      divergence: { samples, max, final },
    };
  } finally {
    for (const s of sessions) await s.dispose();
  }
}

/** How far apart two readings of the same robot are. */
export function divergence(a: RobotState, b: RobotState): Divergence {
  let sum = 0;
  // Wrapped: a wheel's angle reads in (−π, π], so two wheels a hair apart across ±π are not 2π apart.
  for (let i = 0; i < a.position.length; i++) sum += wrap(a.position[i]! - (b.position[i] ?? NaN)) ** 2;
  const jointRms = a.position.length ? Math.sqrt(sum / a.position.length) : 0;
  const pa = a.base?.position;
  const pb = b.base?.position;
  const basePosition = pa && pb ? Math.hypot(pa[0] - pb[0], pa[1] - pb[1], pa[2] - pb[2]) : 0;
  const qa = a.base?.orientation;
  const qb = b.base?.orientation;
  const heading = qa && qb ? Math.abs(wrap(yaw(qa) - yaw(qb))) : 0;
  return { basePosition, heading, jointRms };
}

/** Heading (rotation about world z) of a (w, x, y, z) quaternion. */
export function yaw([w, x, y, z]: readonly number[]): number {
  return Math.atan2(2 * (w! * z! + x! * y!), 1 - 2 * (y! * y! + z! * z!));
}

function wrap(angle: number): number {
  return Math.atan2(Math.sin(angle), Math.cos(angle));
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
