/**
 * The controller interface every controller implements (zero, PD, sampling MPC, neural policies).
 * The studio renders `params` as controls; `setParams` applies a change live.
 */
import { defaults, mergeParams, type ParamSpec, type ParamValues } from '../sim/params.ts';
import type { RobotCapabilities, RobotState } from '../sim/robot/robot.ts';
import type { TaskInstance } from '../sim/task.ts';

/** What a controller is given about the task it controls. */
export interface ControlContext {
  taskId: string;
  taskParams: ParamValues;
  task: TaskInstance;
  /** Current cost weights, one per task cost term (read at the start of every plan). */
  costWeights(): Float64Array;
  /** The robot the controller drives (its joint order is that of the readings act() is given). */
  robot?: RobotCapabilities;
  /**
   * Whether the plan about to be made will be drawn or recorded (absent: always). Planners trace their
   * sampled trajectories (`plan()`) only then: a quarter of a MuJoCo cart-pole rollout's time went to
   * tracing plans that the session, which emits a plan 20 times a second at most, never sent.
   */
  wantsPlan?(): boolean;
}

/** Sampled and chosen trajectories for the viewport to draw (trace points, see TaskInstance.tracePoint). */
export interface PlanTrace {
  samples: Float32Array;
  sampleCount: number;
  steps: number;
  best: Float32Array;
}

/** How act() is called. */
export interface ActOptions {
  /**
   * The caller waits for this answer and does nothing meanwhile (lock-step: headless runs, paused
   * stepping), so a planner may roll out on the caller's thread too. Live planning never sets it: that
   * thread runs the control loop.
   */
  callerWaits?: boolean;
}

export interface Controller {
  setParams(values: ParamValues): void;
  reset(seed: number): void;
  /**
   * The action (one entry per actuator) for scene state `state` at robot time `time`. `robot` is the
   * robot's own reading at that moment (joint encoders, IMU), given to controllers that declare
   * `reads: 'robot'`.
   */
  act(state: Float64Array, time: number, robot?: RobotState, options?: ActOptions): Promise<Float64Array> | Float64Array;
  /**
   * What act() reads: 'robot' — only the robot's reading, so it runs on a real robot unchanged;
   * 'scene' (the default) — the simulator's full state (planners roll out their model from it).
   */
  readonly reads?: 'robot' | 'scene';
  /**
   * The latest plan's action at `time` (MuJoCo MPC's ActionFromPolicy). The live studio reads it every
   * control step while the next plan is computed on a copy of the state; without it the last action
   * act() returned is held.
   */
  actionAt?(time: number): Float64Array | undefined;
  /** The latest plan whose trajectories were traced (ControlContext.wantsPlan), if the controller plans. */
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

/** A controller's parameters on a task: its own (per-task when it has paramsFor). */
export function controllerParams(def: ControllerDefinition, task: TaskInstance): ParamSpec[] {
  return def.paramsFor?.(task) ?? def.params;
}

/** A controller's defaults, then the task's planner defaults for keys it has, then `overrides`. */
export function controllerSettings(def: ControllerDefinition, task: TaskInstance, overrides: Record<string, unknown>, scope = 'controller'): ParamValues {
  const params = controllerParams(def, task);
  const fromTask = Object.fromEntries(Object.entries(task.plannerDefaults ?? {}).filter(([key]) => params.some((p) => p.key === key)));
  return mergeParams(params, { ...defaults(params), ...fromTask }, overrides, scope);
}
