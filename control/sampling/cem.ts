/**
 * Cross-entropy method: sample around a mean with a per-knot spread, refit mean and spread to the
 * elite (lowest-cost) samples, repeat `iterations` times per plan. The spread starts at the noise
 * setting each plan and never shrinks below `minNoise`.
 */
import { withDefaults, type ParamValues } from '../../sim/params.ts';
import type { ControllerDefinition } from '../controller.ts';
import type { SplineShape } from './action-spline.ts';
import { SAMPLING_PARAMS, SamplingPlanner, type SampleBatch } from './sampling-planner.ts';

class CrossEntropy extends SamplingPlanner {
  private spread = new Float64Array(0);

  protected override beginPlan(nominal: Float64Array, shape: SplineShape, settings: ParamValues): void {
    this.spread = Float64Array.from(nominal, (_, i) => super.noiseScale(i, shape, settings));
  }

  protected override noiseScale(i: number): number {
    return this.spread[i]!;
  }

  protected improve(batch: SampleBatch, _nominal: Float64Array, settings: ParamValues): Float64Array {
    const elites = Math.min(batch.sampleCount, settings.elites as number);
    const order = Array.from(batch.costs.keys()).sort((a, b) => batch.costs[a]! - batch.costs[b]!).slice(0, elites);
    const mean = new Float64Array(batch.stride);
    for (const k of order) for (let i = 0; i < batch.stride; i++) mean[i]! += batch.knots[k * batch.stride + i]! / elites;
    const floor = settings.minNoise as number;
    for (let i = 0; i < batch.stride; i++) {
      let variance = 0;
      for (const k of order) variance += (batch.knots[k * batch.stride + i]! - mean[i]!) ** 2 / elites;
      this.spread[i] = Math.max(Math.sqrt(variance), floor);
    }
    return mean;
  }
}

export const cem: ControllerDefinition = {
  id: 'cem',
  title: 'Cross-entropy method',
  description: 'Iteratively refits a Gaussian over action splines to the elite rollouts.',
  params: [
    ...withDefaults(SAMPLING_PARAMS, { iterations: 2 }),
    { kind: 'number', key: 'elites', label: 'Elites', default: 4, min: 1, max: 256, step: 1, integer: true },
    { kind: 'number', key: 'minNoise', label: 'Min spread', default: 0.02, min: 0, max: 1, step: 0.01, help: 'lower bound on the refitted σ (actuator units)' },
  ],
  create: (context, values) => new CrossEntropy(context, values).prepare(),
};
