/**
 * A task: a scene, its residuals and cost terms, a reset distribution, termination and a success
 * metric. A task file declares a TaskDefinition; `build(params)` makes an instance for one set of
 * task parameters (changing one rebuilds the scene).
 */
import type { CostTerm } from './cost.ts';
import type { ParamSpec, ParamValues } from './params.ts';
import type { Random } from './random.ts';
import type { SceneDescription, Vec3 } from './scene.ts';

export interface TaskTiming {
  /** Control period in seconds (the rate controllers act at). */
  controlDt: number;
  /** Episode length used by `actuate run` when --seconds is not given. */
  episodeSeconds: number;
}

/** A named scalar read from the state, plotted live in the studio. */
export interface Readout {
  name: string;
  unit?: string;
  read(state: Float64Array): number;
}

export interface TaskInstance {
  scene: SceneDescription;
  timing: TaskTiming;
  /** Dimension of the action (one entry per scene actuator). */
  actionDim: number;
  costTerms: CostTerm[];
  /** Draws an initial state. */
  reset(random: Random): Float64Array;
  /** Fills `out` (length = Σ dim of costTerms) with the residuals at this state and action. */
  residual(state: Float64Array, action: ArrayLike<number>, out: Float64Array): void;
  terminated?(state: Float64Array): boolean;
  /**
   * Reward per second for each step the episode has not terminated, added to −cost in training
   * (Gymnasium's healthy reward; legged_gym's positive tracking rewards). Without it every reward is
   * negative and, for a task that can end early, falling at once is what a policy learns.
   */
  survivalReward?: number;
  /** Observation vector for learned policies (some include the previous action). */
  observe(state: Float64Array, lastAction?: ArrayLike<number>): Float64Array;
  /** Key states to plot. */
  readouts: Readout[];
  /** A point per state drawn as the planner's trajectory trace (pole tip, box centre, …). */
  tracePoint(state: Float64Array): Vec3;
  /**
   * Planner settings this task works best with (horizon, noise, …), as MuJoCo MPC tasks declare
   * their agent settings. Applied over a controller's defaults for the keys it has.
   */
  plannerDefaults?: ParamValues;
  /** The action that holds still at this state (servo targets = current joint positions); planners start from it. */
  holdAction?(state: Float64Array): Float64Array;
  /**
   * Locomotion tasks: the velocity command [vx, vy, yaw rate] (base frame) their rewards track and a
   * policy is fed. Live: `setLive` changes it in place.
   */
  command?: Float64Array;
  /**
   * A command that follows the robot's state, fed to a policy in place of `command`: the task's goal in
   * the body frame (legged_gym's heading mode), for tasks whose goal is a world direction. A policy sees
   * body-frame quantities only, so without it the way to go is unobservable and a gait drifts off course.
   */
  commandFor?(state: Float64Array): Float64Array;
  /** Applies the task parameters marked `live` (see NumberParam.live) without rebuilding the scene. */
  setLive?(values: ParamValues): void;
  /** The model card of a learned policy shipped for this task: onnx-policy's default card on it. */
  policyCard?: string;
  /** Joint-coordinate state for learned dynamics models (tasks that offer one). */
  reduced?: ReducedState;
  /** What the user should know about how the scene was built (robot file warnings): printed by the CLI. */
  warnings?: string[];
  /**
   * Starts accumulating the task's success metric over an episode, or continues one from what a
   * monitor's `save()` returned (a training checkpoint resumes episodes mid-way).
   */
  monitor(saved?: unknown): TaskMonitor;
}

/**
 * The task's state in reduced (joint) coordinates, for learned dynamics models that predict it:
 * `toState` rebuilds the full scene state, so costs and traces reuse the task's own residuals.
 */
export interface ReducedState {
  names: string[];
  fromState(state: Float64Array): Float64Array;
  toState(reduced: ArrayLike<number>): Float64Array;
  /** The task's residuals computed on the reduced state directly (saves rebuilding the full state). */
  residual?(reduced: ArrayLike<number>, action: ArrayLike<number>, out: Float64Array): void;
  tracePoint?(reduced: ArrayLike<number>): Vec3;
}

export interface TaskMonitor {
  record(time: number, state: Float64Array, action: ArrayLike<number>): void;
  result(): { success: boolean; metrics: Record<string, number> };
  /** What the monitor has gathered so far, as JSON-safe data that `TaskInstance.monitor(saved)` continues from. */
  save?(): unknown;
}

export interface TaskDefinition {
  id: string;
  title: string;
  description: string;
  params: ParamSpec[];
  /**
   * The controller that solves this task out of the box (a controller id): what `actuate run` uses
   * without --controller, and what the studio switches to when the current controller cannot run it.
   * docs/success-matrix.md shows how every controller does on every task.
   */
  defaultController: string;
  build(params: ParamValues): TaskInstance;
}

/**
 * The command a policy is fed in `state`: the task's state-dependent one (`commandFor`) when it has one,
 * else its own `command`. One rule for training (train/env/vec-env.ts) and for running a policy
 * (control/policy/onnx-policy.ts), so a policy meets the command it learned with.
 */
export function policyCommand(task: TaskInstance, state: Float64Array): Float64Array | undefined {
  return task.commandFor?.(state) ?? task.command;
}
