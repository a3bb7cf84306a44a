/**
 * Rollouts through a learned dynamics model instead of the Rapier world: an ONNX model that maps a
 * batch of reduced states and actions to the reduced states one control period later
 * (inputs `state` [batch, n] and `action` [batch, m], output `next_state` [batch, n]). One batched call
 * per horizon step advances every sample; costs and traces use the task's own residuals on the
 * rebuilt scene state (TaskInstance.reduced).
 */
import { float32Tensor, type ModelSession } from '../../models/runtime.ts';
import { loadControllerModel } from '../model-thread.ts';
import { residualSize, totalCost } from '../../sim/cost.ts';
import type { ReducedState, TaskInstance } from '../../sim/task.ts';
import { evaluateSpline } from './action-spline.ts';
import type { RolloutRequest, RolloutResult } from './rollout.ts';

export class OnnxRollouts {
  private constructor(
    private readonly model: ModelSession,
    private readonly task: TaskInstance,
    private readonly reduced: ReducedState,
  ) {}

  static async load(file: string, task: TaskInstance): Promise<OnnxRollouts> {
    const reduced = task.reduced;
    if (!reduced) throw new Error('this task has no reduced state for a learned dynamics model; clear controller.dynamics');
    // One thread: the graph is tiny and called 50 times a plan; thread hand-offs would cost more than they save.
    const model = await loadControllerModel(file, { intraOpThreads: 1 });
    for (const name of ['state', 'action']) {
      if (!model.inputNames.includes(name)) throw new Error(`${file}: a dynamics model needs inputs 'state' and 'action'; it has ${model.inputNames.join(', ')}`);
    }
    if (!model.outputNames.includes('next_state')) throw new Error(`${file}: a dynamics model needs the output 'next_state'; it has ${model.outputNames.join(', ')}`);
    return new OnnxRollouts(model, task, reduced);
  }

  async run(request: RolloutRequest): Promise<RolloutResult> {
    const { sampleCount: k, steps, shape, weights } = request;
    const n = this.reduced.names.length;
    const m = shape.actionDim;
    const dt = this.task.timing.controlDt;
    const stride = shape.knots * m;
    const start = this.reduced.fromState(request.state);
    let states: Float32Array = new Float32Array(k * n);
    for (let i = 0; i < k; i++) states.set(start, i * n);
    const actions = new Float32Array(k * m);
    const action = new Float64Array(m);
    const r = new Float64Array(n);
    const a = new Float64Array(m);
    const residual = new Float64Array(residualSize(this.task.costTerms));
    const costs = new Float64Array(k);
    const traces = request.trace ? new Float32Array(k * steps * 3) : undefined;
    for (let h = 0; h < steps; h++) {
      for (let i = 0; i < k; i++) {
        evaluateSpline(shape, request.knots, i * stride, h * dt, action);
        actions.set(action, i * m);
      }
      const out = await this.model.run({ state: float32Tensor(states, [k, n]), action: float32Tensor(actions, [k, m]) });
      states = out.next_state!.data as Float32Array;
      const { residual: reducedResidual, tracePoint: reducedTrace } = this.reduced;
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < n; j++) r[j] = states[i * n + j]!;
        for (let j = 0; j < m; j++) a[j] = actions[i * m + j]!;
        // Tasks that can score the reduced state directly skip rebuilding the full scene state.
        const full = reducedResidual && (!traces || reducedTrace) ? undefined : this.reduced.toState(r);
        if (full) this.task.residual(full, a, residual);
        else reducedResidual!.call(this.reduced, r, a, residual);
        costs[i]! += totalCost(this.task.costTerms, weights, residual) * dt;
        if (traces) traces.set(full ? this.task.tracePoint(full) : reducedTrace!.call(this.reduced, r), (i * steps + h) * 3);
      }
    }
    for (let i = 0; i < k; i++) if (!Number.isFinite(costs[i]!)) costs[i] = Number.MAX_VALUE;
    return { costs, ...(traces ? { traces } : {}), physicsSteps: 0 };
  }

  summary(): Record<string, string | number> {
    return this.model.summary();
  }

  async dispose(): Promise<void> {
    await this.model.dispose();
  }
}
