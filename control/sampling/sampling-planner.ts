/**
 * What the sampling planners (MPPI, CEM, predictive sampling) share: settings, the action spline,
 * warm starting, action bounds, the rollout pool and the plan trace. Each planner only decides how
 * to turn sampled splines and their costs into the next nominal spline (`improve`).
 *
 * Planning happens on a copy: the settings and cost weights are read once at the start of `act`, so a
 * change from the studio lands on the next plan, never in the middle of one.
 */
import { availableParallelism } from 'node:os';
import type { ParamSpec, ParamValues } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import type { ActOptions, ControlContext, Controller, PlanTrace } from '../controller.ts';
import type { RobotState } from '../../sim/robot/robot.ts';
import { evaluateSpline, shiftSpline, type Interpolation, type SplineShape } from './action-spline.ts';
import type { RolloutEngine, RolloutRequest } from './rollout.ts';
import { OnnxRollouts } from './onnx-rollouts.ts';
import { RolloutPool, startRolloutThreads } from './rollout-pool.ts';

export const DEFAULT_THREADS = Math.min(2, availableParallelism());

export const SAMPLING_PARAMS: ParamSpec[] = [
  { kind: 'number', key: 'samples', label: 'Samples', default: 32, min: 2, max: 1024, step: 1, integer: true, help: 'rollouts per iteration' },
  { kind: 'number', key: 'horizon', label: 'Horizon', default: 1, min: 0.1, max: 5, step: 0.05, unit: 's' },
  { kind: 'number', key: 'knots', label: 'Spline knots', default: 8, min: 2, max: 64, step: 1, integer: true },
  { kind: 'choice', key: 'interpolation', label: 'Interpolation', default: 'cubic', options: ['zero', 'linear', 'cubic'] },
  { kind: 'number', key: 'noise', label: 'Noise σ', default: 0.3, min: 0.001, max: 2, step: 0.01, help: 'exploration noise, in units of the actuator range' },
  { kind: 'number', key: 'iterations', label: 'Iterations', default: 1, min: 1, max: 16, step: 1, integer: true, help: 'sample-and-update rounds per plan' },
  { kind: 'choice', key: 'modelStep', label: 'Model time step', default: 'control', options: ['control', 'physics'], help: "rollouts step once per control period ('control', fast) or at the simulator's own step ('physics', exact)" },
  { kind: 'text', key: 'dynamics', label: 'Learned dynamics (.onnx)', default: '', placeholder: 'empty: roll out the physics model', file: 'onnx', model: 'dynamics', help: "plan with an ONNX model of the task's reduced state (inputs state, action → next_state) instead of the physics engine" },
  { kind: 'choice', key: 'engine', label: 'Rollout engine', default: 'rapier', options: ['rapier', 'mujoco'], help: "the physics engine rollouts simulate in: Rapier, or MuJoCo (faster on articulated robots; several tasks' default, docs/physics.md)" },
  { kind: 'number', key: 'threads', label: 'Rollout threads', default: DEFAULT_THREADS, min: 1, max: 16, step: 1, integer: true },
];

/** Sampled splines and their costs, handed to a planner's update rule. */
export interface SampleBatch {
  /** sampleCount × knots × actionDim. */
  knots: Float64Array;
  costs: Float64Array;
  sampleCount: number;
  /** Floats per sample. */
  stride: number;
}

export abstract class SamplingPlanner implements Controller {
  protected values: ParamValues;
  protected random = new Random(0);
  private nominal: Float64Array | undefined;
  private nominalShape: SplineShape | undefined;
  private nominalTime = 0;
  private lastPlan: PlanTrace | undefined;
  /** Building in the threads while the session goes on; the first plan waits for it (and reports its failure). */
  private pool: Promise<RolloutPool> | undefined;
  private poolKey = '';
  private onnx: OnnxRollouts | undefined;
  private onnxFile = '';
  private readonly lower: Float64Array;
  private readonly upper: Float64Array;

  constructor(
    protected readonly context: ControlContext,
    values: ParamValues,
  ) {
    this.values = { ...values };
    const actuators = context.task.scene.actuators;
    this.lower = Float64Array.from(actuators, (a) => a.ctrlRange[0]);
    this.upper = Float64Array.from(actuators, (a) => a.ctrlRange[1]);
  }

  setParams(values: ParamValues): void {
    this.values = { ...this.values, ...values };
  }

  reset(seed: number): void {
    this.random = new Random(seed);
    this.nominal = undefined;
    this.nominalShape = undefined;
    this.lastPlan = undefined;
  }

  plan(): PlanTrace | undefined {
    return this.lastPlan;
  }

  /** With a learned dynamics model: its file, execution provider and latency. */
  info(): Record<string, string | number> | undefined {
    return this.values.dynamics ? this.onnx?.summary() : undefined;
  }

  async act(state: Float64Array, time: number, _robot?: RobotState, options: ActOptions = {}): Promise<Float64Array> {
    const settings = { ...this.values };
    const weights = this.context.costWeights().slice();
    const m = this.context.task.actionDim;
    const shape: SplineShape = {
      knots: settings.knots as number,
      actionDim: m,
      horizon: settings.horizon as number,
      interpolation: settings.interpolation as Interpolation,
    };
    let nominal =
      this.nominal && this.nominalShape
        ? shiftSpline(this.nominalShape, this.nominal, time - this.nominalTime, shape)
        : this.initialSpline(state, shape);
    const pool = await this.rollouts(settings);
    const steps = Math.max(1, Math.round(shape.horizon / this.context.task.timing.controlDt));
    const iterations = settings.iterations as number;
    const sampleCount = settings.samples as number;
    this.beginPlan(nominal, shape, settings);
    for (let it = 0; it < iterations; it++) {
      const knots = this.sample(nominal, shape, sampleCount, settings);
      const last = it === iterations - 1;
      const command = this.context.task.command;
      const trace = last && (this.context.wantsPlan?.() ?? true);
      const request: RolloutRequest = { state, knots, shape, sampleCount, steps, weights, trace, ...(command ? { command: command.slice() } : {}) };
      const result = await pool.run(request, options);
      const batch: SampleBatch = { knots, costs: result.costs, sampleCount, stride: shape.knots * m };
      nominal = this.improve(batch, nominal, settings);
      this.clampSpline(nominal);
      if (last && result.traces) this.lastPlan = traceOf(result.traces, result.costs, sampleCount, steps);
    }
    this.nominal = nominal;
    this.nominalShape = shape;
    this.nominalTime = time;
    const action = new Float64Array(m);
    evaluateSpline(shape, nominal, 0, 0, action);
    return action;
  }

  /** The nominal spline at `time`: the action the latest plan prescribes for that moment. */
  actionAt(time: number): Float64Array | undefined {
    if (!this.nominal || !this.nominalShape) return undefined;
    const action = new Float64Array(this.nominalShape.actionDim);
    evaluateSpline(this.nominalShape, this.nominal, 0, time - this.nominalTime, action);
    return action;
  }

  /** The first plan starts from holding still where the task says how, else from zero. */
  private initialSpline(state: Float64Array, shape: SplineShape): Float64Array {
    const spline = new Float64Array(shape.knots * shape.actionDim);
    const hold = this.context.task.holdAction?.(state);
    if (hold) for (let k = 0; k < shape.knots; k++) spline.set(hold, k * shape.actionDim);
    return spline;
  }

  /** Called once per plan before the first iteration (CEM resets its spread here). */
  protected beginPlan(_nominal: Float64Array, _shape: SplineShape, _settings: ParamValues): void {}

  /** Draws sampleCount splines around the nominal; sample 0 is the nominal itself. */
  protected sample(nominal: Float64Array, shape: SplineShape, sampleCount: number, settings: ParamValues): Float64Array {
    const stride = nominal.length;
    const knots = new Float64Array(sampleCount * stride);
    knots.set(nominal, 0);
    for (let k = 1; k < sampleCount; k++) {
      for (let i = 0; i < stride; i++) knots[k * stride + i] = nominal[i]! + this.noiseScale(i, shape, settings) * this.random.normal();
    }
    this.clampSpline(knots);
    return knots;
  }

  /** Standard deviation of the noise for spline value i, in actuator units. */
  protected noiseScale(i: number, shape: SplineShape, settings: ParamValues): number {
    const d = i % shape.actionDim;
    return (settings.noise as number) * 0.5 * (this.upper[d]! - this.lower[d]!);
  }

  protected abstract improve(batch: SampleBatch, nominal: Float64Array, settings: ParamValues): Float64Array;

  private clampSpline(values: Float64Array): void {
    const m = this.lower.length;
    for (let i = 0; i < values.length; i++) {
      const d = i % m;
      values[i] = Math.min(this.upper[d]!, Math.max(this.lower[d]!, values[i]!));
    }
  }

  private async learnedModel(file: string): Promise<OnnxRollouts> {
    if (!this.onnx || this.onnxFile !== file) {
      await this.onnx?.dispose();
      this.onnx = undefined;
      this.onnx = await OnnxRollouts.load(file, this.context.task);
      this.onnxFile = file;
    }
    return this.onnx;
  }

  /**
   * Starts what plans roll out on for the current settings, so the first plan does not pay for it: a
   * learned model is loaded here (a bad dynamics file fails when the controller is created); rollout
   * threads are started here, but the task's worlds are built in them while the session goes on — a
   * thread may be finishing the last controller's plan, and a switch must not wait for it.
   */
  async prepare(): Promise<this> {
    try {
      if (this.values.dynamics) await this.rollouts({ ...this.values });
      else {
        await startRolloutThreads(this.values.threads as number);
        void this.rollouts({ ...this.values });
      }
    } catch (err) {
      await this.dispose();
      throw err;
    }
    return this;
  }

  private rollouts(settings: ParamValues): Promise<RolloutPool | OnnxRollouts> {
    const dynamics = settings.dynamics as string | undefined;
    return dynamics ? this.learnedModel(dynamics) : this.rolloutPool(settings.threads as number, settings.modelStep === 'control', (settings.engine as RolloutEngine | undefined) ?? 'rapier');
  }

  private rolloutPool(threads: number, coarse: boolean, engine: RolloutEngine): Promise<RolloutPool> {
    const key = `${threads}/${coarse}/${engine}`;
    if (!this.pool || this.poolKey !== key) {
      void releasePool(this.pool);
      const modelTimestep = coarse ? this.context.task.timing.controlDt : undefined;
      this.pool = RolloutPool.create(this.context.taskId, this.context.taskParams, threads, modelTimestep, engine);
      // Awaited by the plan that needs it, which reports a failure; not an unhandled rejection meanwhile.
      this.pool.catch(() => undefined);
      this.poolKey = key;
    }
    return this.pool;
  }

  async dispose(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await releasePool(pool);
    await this.onnx?.dispose();
    this.onnx = undefined;
  }
}

/** Lets go of a pool once it is built (one that failed to build holds nothing). */
async function releasePool(pool: Promise<RolloutPool> | undefined): Promise<void> {
  await pool?.then(
    (p) => p.dispose(),
    () => undefined,
  );
}

function traceOf(traces: Float32Array, costs: Float64Array, sampleCount: number, steps: number): PlanTrace {
  let best = 0;
  for (let k = 1; k < sampleCount; k++) if (costs[k]! < costs[best]!) best = k;
  return {
    samples: traces,
    sampleCount,
    steps,
    best: traces.slice(best * steps * 3, (best + 1) * steps * 3),
  };
}

/** Index of the lowest cost. */
export function argmin(costs: Float64Array): number {
  let best = 0;
  for (let k = 1; k < costs.length; k++) if (costs[k]! < costs[best]!) best = k;
  return best;
}
