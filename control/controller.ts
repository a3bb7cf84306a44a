/**
 * The controller interface every controller implements (zero, PD, sampling MPC, neural policies).
 * The studio renders `params` as controls; `setParams` applies a change live.
 */
import type { ParamSpec, ParamValues } from '../sim/params.ts';
import type { TaskInstance } from '../sim/task.ts';

/** What a controller is given about the task it controls. */
export interface ControlContext {
  taskId: string;
  taskParams: ParamValues;
  task: TaskInstance;
  /** Current cost weights, one per task cost term (read at the start of every plan). */
  costWeights(): Float64Array;
}

/** Sampled and chosen trajectories for the viewport to draw (trace points, see TaskInstance.tracePoint). */
export interface PlanTrace {
  samples: Float32Array;
  sampleCount: number;
  steps: number;
  best: Float32Array;
}

export interface Controller {
  setParams(values: ParamValues): void;
  reset(seed: number): void;
  /** The action (one entry per actuator) for this state at simulation time `time`. */
  act(state: Float64Array, time: number): Promise<Float64Array> | Float64Array;
  /** The latest plan, if the controller plans. */
  plan?(): PlanTrace | undefined;
  /** Facts for the studio about the models a controller runs (file, execution provider, latency). */
  info?(): Record<string, string | number> | undefined;
  dispose(): Promise<void> | void;
}

export interface ControllerDefinition {
  id: string;
  title: string;
  description: string;
  params: ParamSpec[];
  /** Parameters that depend on the task (one slider per joint); replaces `params` when present. */
  paramsFor?(task: TaskInstance): ParamSpec[];
  create(context: ControlContext, values: ParamValues): Promise<Controller> | Controller;
}
