/**
 * mppi-onnx-cartpole-replan-hz: MPPI planning with a batched ONNX dynamics model of the cart-pole
 * (one model call per horizon step for all samples) instead of Rapier rollouts; closed loop on the
 * Rapier cart-pole, default settings, plans per wall second.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cartpoleDynamicsModel } from '../../control/sampling/cartpole-dynamics-model.ts';
import { runEpisode } from '../../engine/run-episode.ts';
import { defaults } from '../../sim/params.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { round, type BenchSuite } from '../result.ts';

export const mppiOnnxReplan: BenchSuite = {
  name: 'mppi-onnx-replan',
  async run() {
    const def = findTask('cartpole-swingup');
    const p = defaults(def.params);
    const file = join(mkdtempSync(join(tmpdir(), 'actuate-bench-')), 'cartpole-dynamics.onnx');
    writeFileSync(file, cartpoleDynamicsModel({ cartMass: p.cartMass as number, poleMass: p.poleMass as number, poleLength: p.poleLength as number, maxForce: p.maxForce as number, controlDt: def.build(p).timing.controlDt, substeps: 2 }));
    const result = await runEpisode({ taskId: def.id, controllerId: 'mppi', seed: 0, seconds: 6, controllerParams: { dynamics: file } });
    return [
      {
        name: 'mppi-onnx-cartpole-replan-hz',
        value: round(result.timing.replanHz, 1),
        unit: 'Hz',
        target: '>= 200',
        details: { provider: 'cpu', planMs: result.timing.planMs, samples: 32, horizonSteps: 50, uprightFraction: result.metrics.uprightFraction },
      },
    ];
  },
};
