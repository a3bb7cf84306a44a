/**
 * Vectorized environments (train/env): go2-walk, 32 environments stepped with the default-pose action,
 * on 1 and then 2 worker threads, in the same run:
 *   vec-env-steps-per-s-1-worker, vec-env-steps-per-s-2-workers, vec-env-2-worker-speedup (target ≥ 1.8)
 */
import { buildTask } from '../../train/env/task-build.ts';
import { VecEnvPool } from '../../train/env/vec-env-pool.ts';
import { policyLayout } from '../../train/policy-layout.ts';
import { round, type BenchResult, type BenchSuite } from '../result.ts';

const TASK = 'go2-walk';
const ENVS = 32;
const STEPS = 40;

async function stepsPerSecond(workers: number): Promise<number> {
  const layout = policyLayout(buildTask(TASK).task);
  const pool = await VecEnvPool.create({ taskId: TASK, envs: ENVS, workers, seed: 0, featureDim: layout.featureDim, actionDim: layout.actionDim });
  try {
    await pool.reset();
    const actions = new Float32Array(ENVS * layout.actionDim);
    for (let i = 0; i < 5; i++) await pool.step(actions);
    const t0 = performance.now();
    for (let i = 0; i < STEPS; i++) await pool.step(actions);
    return (ENVS * STEPS) / ((performance.now() - t0) / 1000);
  } finally {
    await pool.dispose();
  }
}

async function run(): Promise<BenchResult[]> {
  const one = await stepsPerSecond(1);
  const two = await stepsPerSecond(2);
  const details = { task: TASK, envs: ENVS, controlSteps: STEPS, note: 'control steps (each 10 physics steps of 2 ms) per wall second' };
  return [
    { name: 'vec-env-steps-per-s-1-worker', value: Math.round(one), unit: 'steps/s', details },
    { name: 'vec-env-steps-per-s-2-workers', value: Math.round(two), unit: 'steps/s', details },
    { name: 'vec-env-2-worker-speedup', value: round(two / one, 2), unit: 'ratio', target: '>= 1.8', details },
  ];
}

export const vecEnvSteps: BenchSuite = { name: 'vec-env-steps-per-s', run };
