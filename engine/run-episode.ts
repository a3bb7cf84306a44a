/** A headless closed-loop run as fast as the machine allows: what `actuate run` prints. */
import { Session } from './session.ts';

export interface RunOptions {
  taskId: string;
  /** Default: the task's own default controller. */
  controllerId?: string;
  seed: number;
  seconds?: number;
  taskParams?: Record<string, unknown>;
  controllerParams?: Record<string, unknown>;
  costWeights?: Record<string, unknown>;
  /** Called about once per simulated second. */
  onProgress?: (simSeconds: number, totalSeconds: number) => void;
}

export interface RunResult {
  task: string;
  controller: string;
  seed: number;
  simSeconds: number;
  wallSeconds: number;
  steps: number;
  return: number;
  success: boolean;
  metrics: Record<string, number>;
  timing: { physicsStepUs: number; planMs: { mean: number; p99: number }; replanHz: number };
  error?: string;
}

export async function runEpisode(options: RunOptions): Promise<RunResult> {
  const session = await Session.create({
    taskId: options.taskId,
    ...(options.controllerId ? { controllerId: options.controllerId } : {}),
    seed: options.seed,
    ...(options.taskParams ? { taskParams: options.taskParams } : {}),
    ...(options.controllerParams ? { controllerParams: options.controllerParams } : {}),
    ...(options.costWeights ? { costWeights: options.costWeights } : {}),
  });
  try {
    const seconds = options.seconds ?? session.task.timing.episodeSeconds;
    const wall0 = performance.now();
    for (let t = 1; t < seconds + 1; t++) {
      await session.runFor(Math.min(t, seconds));
      options.onProgress?.(session.simTime, seconds);
      if (session.snapshot().error) break;
    }
    const wallSeconds = (performance.now() - wall0) / 1000;
    const { success, metrics } = session.result();
    const error = session.snapshot().error;
    const planCount = session.planMs.count;
    return {
      task: options.taskId,
      controller: session.snapshot().controller.id,
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
      ...(error ? { error } : {}),
    };
  } finally {
    await session.dispose();
  }
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
