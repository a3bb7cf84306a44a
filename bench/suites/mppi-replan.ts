/** mppi-cartpole-replan-hz: closed-loop MPPI plans per wall second on cart-pole, default settings. */
import { runEpisode } from '../../engine/run-episode.ts';
import { defaults } from '../../sim/params.ts';
import { mppi } from '../../control/sampling/mppi.ts';
import { round, type BenchSuite } from '../result.ts';

export const mppiReplan: BenchSuite = {
  name: 'mppi-replan',
  async run() {
    const result = await runEpisode({ taskId: 'cartpole-swingup', controllerId: 'mppi', seed: 0, seconds: 6 });
    return [
      {
        name: 'mppi-cartpole-replan-hz',
        value: round(result.timing.replanHz, 1),
        unit: 'Hz',
        target: '>= 50',
        details: { settings: defaults(mppi.params), planMs: result.timing.planMs, success: result.success },
      },
    ];
  },
};
