/** A headless closed-loop run as fast as the machine allows: what `actuate run` prints. */
import { Session, type PhysicsEngine, type SessionOptions } from './session.ts';
import { recordSession } from './session-recording.ts';
import { connectSessionBridges, type Ros1SessionOptions, type RosbridgeSessionOptions, type RosSessionBridge } from './ros-session.ts';

/** What an episode runs: the task, its controller, the seed, how long, and their settings. */
export interface EpisodeSpec {
  taskId: string;
  /** Default: the task's own default controller. */
  controllerId?: string;
  seed: number;
  /** Default: the task's episode length. */
  seconds?: number;
  taskParams?: Record<string, unknown>;
  controllerParams?: Record<string, unknown>;
  costWeights?: Record<string, unknown>;
}

export interface RunOptions extends EpisodeSpec {
  /** Connects the session to a ROS 1 master; the run then paces itself in real time so ROS tools see real rates. */
  ros1?: Ros1SessionOptions;
  /** Connects the session to a rosbridge server (ROS 1 or ROS 2); paced in real time as with ros1. */
  rosbridge?: RosbridgeSessionOptions;
  /** Records the run to this MCAP file. */
  record?: string;
  /** The physics engine of the simulated robot (default rapier). */
  engine?: PhysicsEngine;
  /** Called about once per simulated second. */
  onProgress?: (simSeconds: number, totalSeconds: number) => void;
}

export interface RunResult {
  task: string;
  controller: string;
  engine: PhysicsEngine;
  seed: number;
  simSeconds: number;
  wallSeconds: number;
  steps: number;
  return: number;
  success: boolean;
  metrics: Record<string, number>;
  timing: { physicsStepUs: number; planMs: { mean: number; p99: number }; replanHz: number };
  /** What the robot file and the controller warned about (card/robot mismatches, unsupported elements). */
  warnings?: string[];
  error?: string;
  /** The MCAP file the run was recorded to. */
  recording?: string;
  /** Messages the recording dropped because the disk could not keep up, per topic (absent: none). */
  recordingDropped?: Record<string, number>;
}

/** The session an episode runs in (its length is the caller's business). */
export function episodeSessionOptions(spec: EpisodeSpec, engine?: PhysicsEngine): SessionOptions {
  return {
    taskId: spec.taskId,
    ...(spec.controllerId ? { controllerId: spec.controllerId } : {}),
    seed: spec.seed,
    ...(spec.taskParams ? { taskParams: spec.taskParams } : {}),
    ...(spec.controllerParams ? { controllerParams: spec.controllerParams } : {}),
    ...(spec.costWeights ? { costWeights: spec.costWeights } : {}),
    ...(engine ? { engine } : {}),
  };
}

export async function runEpisode(options: RunOptions): Promise<RunResult> {
  const session = await Session.create(episodeSessionOptions(options, options.engine));
  const recording = options.record ? recordSession(session, options.record) : undefined;
  let bridges: RosSessionBridge[];
  try {
    bridges = await connectSessionBridges(session, options);
  } catch (err) {
    await recording?.stop();
    await session.dispose();
    throw err;
  }
  try {
    const seconds = options.seconds ?? session.task.timing.episodeSeconds;
    const wall0 = performance.now();
    if (bridges.length) await runRealtime(session, seconds, options.onProgress);
    else {
      for (let t = 1; t < seconds + 1; t++) {
        await session.runFor(Math.min(t, seconds));
        options.onProgress?.(session.simTime, seconds);
        if (session.snapshot().error) break;
      }
    }
    const wallSeconds = (performance.now() - wall0) / 1000;
    await recording?.stop();
    const recordingDropped = recording?.dropped() ?? {};
    const { success, metrics } = session.result();
    const error = session.snapshot().error;
    const planCount = session.planMs.count;
    const controllerWarnings = session.controllerInfo()?.warnings;
    const warnings = [...(session.task.warnings ?? []), ...(typeof controllerWarnings === 'string' ? controllerWarnings.split('; ') : [])];
    return {
      task: options.taskId,
      controller: session.snapshot().controller.id,
      engine: options.engine ?? 'rapier',
      seed: options.seed,
      simSeconds: round(session.simTime, 6),
      wallSeconds: round(wallSeconds, 3),
      steps: session.controlSteps,
      return: round(session.return, 4),
      success: success && !error,
      metrics,
      timing: {
        physicsStepUs: round(session.physicsStepUs.mean(), 2),
        planMs: { mean: round(session.planMs.mean(), 3), p99: round(session.planMs.percentile(99), 3) },
        replanHz: planCount ? round(planCount / Math.max(wallSeconds, 1e-9), 1) : 0,
      },
      ...(warnings.length ? { warnings } : {}),
      ...(error ? { error } : {}),
      ...(recording ? { recording: recording.path } : {}),
      ...(Object.keys(recordingDropped).length ? { recordingDropped } : {}),
    };
  } finally {
    for (const b of bridges) b.close();
    await recording?.stop();
    await session.dispose();
  }
}

/** Plays the session in real time until `seconds` of session time or an error; SIGINT ends it early. */
async function runRealtime(session: Session, seconds: number, onProgress?: (t: number, total: number) => void): Promise<void> {
  let interrupted = false;
  const stop = () => (interrupted = true);
  process.once('SIGINT', stop);
  session.play();
  try {
    let shown = 0;
    while (!interrupted && session.simTime < seconds - 1e-9 && !session.snapshot().error) {
      await new Promise((r) => setTimeout(r, 50));
      if (session.simTime - shown >= 1) onProgress?.((shown = Math.floor(session.simTime)), seconds);
    }
  } finally {
    session.pause();
    process.off('SIGINT', stop);
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
