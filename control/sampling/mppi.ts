/**
 * MPPI (Williams et al. 2017): the new nominal is the exponentially weighted average of the samples,
 *   w_k = exp(−(S_k − S_min) / (λ · (S_max − S_min))),   U ← Σ_k w_k U_k / Σ_k w_k.
 * The temperature λ is relative to the spread of this batch's costs, so one setting works across
 * tasks whose costs differ by orders of magnitude.
 */
import type { ParamValues } from '../../sim/params.ts';
import type { ControllerDefinition } from '../controller.ts';
import { SAMPLING_PARAMS, SamplingPlanner, type SampleBatch } from './sampling-planner.ts';

export function mppiWeights(costs: Float64Array, temperature: number): Float64Array {
  let min = Infinity;
  let max = -Infinity;
  for (const c of costs) {
    min = Math.min(min, c);
    max = Math.max(max, c);
  }
  const scale = temperature * Math.max(max - min, 1e-12);
  const w = costs.map((c) => Math.exp(-(c - min) / scale));
  const sum = w.reduce((a, b) => a + b, 0);
  return w.map((x) => x / sum);
}

class Mppi extends SamplingPlanner {
  protected improve(batch: SampleBatch, _nominal: Float64Array, settings: ParamValues): Float64Array {
    const w = mppiWeights(batch.costs, settings.temperature as number);
    const next = new Float64Array(batch.stride);
    for (let k = 0; k < batch.sampleCount; k++) {
      const wk = w[k]!;
      if (wk === 0) continue;
      for (let i = 0; i < batch.stride; i++) next[i]! += wk * batch.knots[k * batch.stride + i]!;
    }
    return next;
  }
}

export const mppi: ControllerDefinition = {
  id: 'mppi',
  title: 'MPPI',
  description: 'Model-predictive path integral control: cost-weighted average of sampled rollouts of the Rapier model.',
  params: [
    ...SAMPLING_PARAMS,
    { kind: 'number', key: 'temperature', label: 'Temperature λ', default: 0.02, min: 0.001, max: 10, step: 0.001, log: true, help: 'relative to the batch cost spread; lower = greedier' },
  ],
  create: (context, values) => new Mppi(context, values).prepare(),
};
