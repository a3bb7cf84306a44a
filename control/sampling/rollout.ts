/**
 * One rollout: from a state, apply a spline of actions for `steps` control periods on a physics world
 * and sum the task's cost. Shared by the worker threads and by single-threaded evaluation.
 */
import { residualSize, totalCost } from '../../sim/cost.ts';
import type { SimWorld } from '../../sim/robot/sim-world.ts';

/** The physics engine rollouts simulate in. */
export type RolloutEngine = 'rapier' | 'mujoco';
import type { TaskInstance } from '../../sim/task.ts';
import { evaluateSpline, type SplineShape } from './action-spline.ts';

export interface RolloutRequest {
  state: Float64Array;
  /** sampleCount × knots × actionDim spline values. */
  knots: Float64Array;
  shape: SplineShape;
  sampleCount: number;
  /** Control steps to simulate. */
  steps: number;
  /** Cost weights, one per task cost term. */
  weights: Float64Array;
  /** Record each step's trace point (sampleCount × steps × 3). */
  trace: boolean;
  /** The task's live velocity command at planning time (a worker's task copy starts from its build parameters). */
  command?: Float64Array;
}

export interface RolloutResult {
  costs: Float64Array;
  traces?: Float32Array;
  /** Physics steps simulated. */
  physicsSteps: number;
}

export class RolloutRunner {
  private readonly residual: Float64Array;
  private readonly state: Float64Array;
  private readonly substeps: number;
  private readonly action: Float64Array;

  constructor(
    private readonly world: SimWorld,
    private readonly task: TaskInstance,
  ) {
    this.residual = new Float64Array(residualSize(task.costTerms));
    this.state = new Float64Array(task.scene.bodies.length * 13);
    this.substeps = Math.max(1, Math.round(task.timing.controlDt / world.timestep));
    this.action = new Float64Array(task.actionDim);
  }

  /** Evaluates samples [from, to) of the request. */
  run(request: RolloutRequest, from: number, to: number): RolloutResult {
    const costs = new Float64Array(to - from);
    const traces = request.trace ? new Float32Array((to - from) * request.steps * 3) : undefined;
    for (let k = from; k < to; k++) costs[k - from] = this.rollout(request, k, traces, (k - from) * request.steps * 3);
    return { costs, ...(traces ? { traces } : {}), physicsSteps: (to - from) * request.steps * this.substeps };
  }

  /** Physics steps a sample of `request` simulates. */
  physicsSteps(request: RolloutRequest): number {
    return request.steps * this.substeps;
  }

  /** Rolls out sample `k` of the request: its cost; its trace points into `traces` from `traceOffset` when given. */
  rollout(request: RolloutRequest, k: number, traces: Float32Array | undefined, traceOffset: number): number {
    const { shape, steps, weights } = request;
    if (request.command) this.task.command?.set(request.command);
    const start = k * shape.knots * shape.actionDim;
    const dt = this.task.timing.controlDt;
    const action = this.action;
    this.world.setState(request.state);
    let cost = 0;
    for (let h = 0; h < steps; h++) {
      evaluateSpline(shape, request.knots, start, h * dt, action);
      for (let s = 0; s < this.substeps; s++) this.world.step(action);
      this.world.getState(this.state);
      this.task.residual(this.state, action, this.residual);
      cost += totalCost(this.task.costTerms, weights, this.residual) * dt;
      if (traces) traces.set(this.task.tracePoint(this.state), traceOffset + h * 3);
    }
    return Number.isFinite(cost) ? cost : Number.MAX_VALUE;
  }
}
