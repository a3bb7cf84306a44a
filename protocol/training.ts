/** Training runs as the studio sees them: listed, started, stopped and plotted (engine/training-runs.ts). */

/** One line of a run's metrics.jsonl: iteration, envSteps, returnMean, approxKl, … (null: no episode ended). */
export type TrainingMetrics = Record<string, number | null>;

export interface TrainingRun {
  /** The run's folder: its identity in every command. */
  dir: string;
  name: string;
  task?: string;
  /** Training now: started by this engine and not finished, or its metrics written in the last 30 s. */
  running: boolean;
  /** Started from this studio (it can stop it). */
  startedHere: boolean;
  iterations: number;
  latest?: TrainingMetrics;
  /**
   * The latest exported policy, for onnx-policy; `exportedAt` (the model file's modification time,
   * ms) changes with every checkpoint's export, so a viewer knows when to load it again.
   */
  policy?: { model: string; card: string; exportedAt: number };
  /** Why a run started here ended early (the trainer's last error line). */
  error?: string;
}

/** Sent when a run starts, writes metrics, or ends: the run and the metrics rows added since the last event. */
export interface TrainingEvent {
  run: TrainingRun;
  rows: TrainingMetrics[];
}
