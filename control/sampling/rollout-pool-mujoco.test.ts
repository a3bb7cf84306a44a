import { afterAll, describe, expect, it } from 'vitest';
import { RolloutPool } from './rollout-pool.ts';
import { RolloutRunner, type RolloutRequest } from './rollout.ts';
import { loadMujoco } from '../../sim/mujoco/load-mujoco.ts';
import { MujocoWorld } from '../../sim/mujoco/mujoco-world.ts';
import { defaults } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import { findTask } from '../../sim/tasks/index.ts';

const def = findTask('cartpole-swingup');
const params = defaults(def.params);
const task = def.build(params);
const random = new Random(7);
const request: RolloutRequest = {
  state: task.reset(random),
  knots: Float64Array.from({ length: 6 * 4 }, () => random.range(-1, 1)),
  shape: { knots: 4, actionDim: 1, horizon: 0.5, interpolation: 'linear' },
  sampleCount: 6,
  steps: 25,
  weights: Float64Array.from(task.costTerms, (t) => t.weight),
  trace: true,
};
const pools: RolloutPool[] = [];
afterAll(() => Promise.all(pools.map((p) => p.dispose())));

describe('RolloutPool on MuJoCo', () => {
  it('rolls out in MuJoCo on worker threads exactly as in this thread, and not as Rapier does', async () => {
    const world = new MujocoWorld(await loadMujoco(), task.scene);
    const inline = new RolloutRunner(world, task).run(request, 0, request.sampleCount);
    const pool = await RolloutPool.create(def.id, params, 2, undefined, 'mujoco');
    pools.push(pool);
    const result = await pool.run(request);
    expect(Array.from(result.costs)).toEqual(Array.from(inline.costs));
    expect(Array.from(result.traces!)).toEqual(Array.from(inline.traces!));
    // The Rapier pool's costs differ (another engine), though not by much (the same physics).
    const rapier = await RolloutPool.create(def.id, params, 1);
    pools.push(rapier);
    const other = (await rapier.run(request)).costs;
    expect(Array.from(other)).not.toEqual(Array.from(result.costs));
    for (let i = 0; i < other.length; i++) expect(Math.abs(other[i]! - result.costs[i]!) / other[i]!).toBeLessThan(0.2);
    world.dispose();
  });
});
