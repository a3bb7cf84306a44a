/** rollout-scaling-2-workers: rollout throughput on 2 worker threads over 1, measured interleaved. */
import { RolloutPool } from '../../control/sampling/rollout-pool.ts';
import type { RolloutRequest } from '../../control/sampling/rollout.ts';
import { defaults } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { round, type BenchSuite } from '../result.ts';

const SAMPLES = 256;

function request(): RolloutRequest {
  const def = findTask('cartpole-swingup');
  const params = defaults(def.params);
  const task = def.build(params);
  const random = new Random(7);
  const shape = { knots: 8, actionDim: 1, horizon: 1, interpolation: 'cubic' as const };
  const knots = Float64Array.from({ length: SAMPLES * shape.knots }, () => Math.max(-1, Math.min(1, random.normal() * 0.5)));
  return { state: task.reset(random), knots, shape, sampleCount: SAMPLES, steps: 50, weights: Float64Array.from(task.costTerms, (t) => t.weight), trace: false };
}

async function throughput(pool: RolloutPool, req: RolloutRequest): Promise<number> {
  const t0 = performance.now();
  const result = await pool.run(req);
  return result.physicsSteps / ((performance.now() - t0) / 1000);
}

export const rolloutScaling: BenchSuite = {
  name: 'rollout-scaling',
  async run() {
    const def = findTask('cartpole-swingup');
    const params = defaults(def.params);
    const one = await RolloutPool.create(def.id, params, 1);
    const two = await RolloutPool.create(def.id, params, 2);
    const req = request();
    try {
      await throughput(one, req);
      await throughput(two, req);
      const a: number[] = [];
      const b: number[] = [];
      for (let i = 0; i < 7; i++) {
        a.push(await throughput(one, req));
        b.push(await throughput(two, req));
      }
      // Best of 7 on each side: two workers need both cores, so any other process on the machine
      // lowers that side more; the best run is the one least disturbed.
      const s1 = Math.max(...a);
      const s2 = Math.max(...b);
      return [
        {
          name: 'rollout-scaling-2-workers',
          value: round(s2 / s1),
          unit: 'ratio',
          target: '>= 1.8',
          details: { task: def.id, samples: SAMPLES, steps: 50, oneWorkerStepsPerSecond: Math.round(s1), twoWorkerStepsPerSecond: Math.round(s2) },
        },
      ];
    } finally {
      await one.dispose();
      await two.dispose();
    }
  },
};
