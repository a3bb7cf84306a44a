/**
 * Predictive sampling (Howell et al. 2022, MuJoCo MPC): perturb the nominal spline with Gaussian
 * noise, roll every candidate out, keep the best one (the nominal itself is always a candidate).
 */
import { withDefaults } from '../../sim/params.ts';
import type { ControllerDefinition } from '../controller.ts';
import { argmin, SAMPLING_PARAMS, SamplingPlanner, type SampleBatch } from './sampling-planner.ts';

class PredictiveSampling extends SamplingPlanner {
  protected improve(batch: SampleBatch): Float64Array {
    const best = argmin(batch.costs);
    return batch.knots.slice(best * batch.stride, (best + 1) * batch.stride);
  }
}

export const predictiveSampling: ControllerDefinition = {
  id: 'predictive-sampling',
  title: 'Predictive sampling',
  description: 'MuJoCo MPC\'s predictive sampling: keep the best of the nominal and its noisy perturbations.',
  params: withDefaults(SAMPLING_PARAMS, { noise: 0.2 }),
  create: (context, values) => new PredictiveSampling(context, values).prepare(),
};
