/**
 * PPO learns: on cart-pole balance (cartpole-swingup with the pole starting upright), a bounded
 * budget of 64k environment steps takes the policy from letting the pole fall (the untrained policy
 * pushes ≈ 0: the pole falls and swings, return ≈ −80) to keeping it up (return > −40; balanced is
 * ≈ 0, hanging −200). Judged on the exported policy's mean action (what onnx-policy runs) in fresh
 * episodes.
 *
 * KNOWN FAILURE (marked `it.fails`, so this file turns red the day PPO starts passing and the marker
 * must go): today PPO plateaus at the zero-action return (−80 to −95 after 60–120k steps, several
 * hyper-parameter settings), although the learner's gradients check out against float64 finite
 * differences and a hand-written linear controller balances this very environment (return −0.3).
 */
import { describe, expect, it } from 'vitest';
import { float32Tensor, loadModel } from '../../models/runtime.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { buildTask } from '../../train/env/task-build.ts';
import { VecEnv } from '../../train/env/vec-env.ts';
import { policyLayout } from '../../train/policy-layout.ts';
import { PpoRunner } from '../../train/ppo/runner.ts';

const TASK = 'cartpole-swingup';
const PARAMS = { start: 'upright' };

/** Mean return over `envs` full episodes of the exported policy's mean action. */
async function evaluate(onnx: Uint8Array, envs: number): Promise<number> {
  const R = await loadRapier();
  const { task } = buildTask(TASK, PARAMS);
  const layout = policyLayout(task);
  const env = new VecEnv(R, task, layout, envs, 12345);
  const model = await loadModel(onnx, { providers: ['cpu'], warmupRuns: 0 });
  // The exported graph takes the card observation; VecEnv hands out network features, so rebuild the
  // observation [x, q, ẋ, q̇] from them ([x, ẋ, q̇, cos q, sin q]).
  let features = env.reset();
  const returns: number[] = [];
  while (returns.length < envs) {
    const obs = new Float32Array(envs * 4);
    for (let i = 0; i < envs; i++) {
      const [x, xd, qd, c, s] = features.subarray(i * 5, i * 5 + 5);
      obs.set([x!, Math.atan2(s!, c!), xd!, qd!], i * 4);
    }
    const actions = (await model.run({ obs: float32Tensor(obs, [envs, 4]) })).actions!.data as Float32Array;
    const r = env.step(actions);
    returns.push(...r.episodes.map((e) => e.return));
    features = r.features;
  }
  await model.dispose();
  env.dispose();
  return returns.reduce((a, b) => a + b, 0) / returns.length;
}

describe('PPO', () => {
  it.fails('learns to keep a cart-pole up within 64k environment steps', async () => {
    const runner = await PpoRunner.create({ taskId: TASK, taskParams: PARAMS, envs: 32, workers: 1, seed: 1, hidden: [64, 64], initNoiseStd: 0.5, ppo: { stepsPerEnv: 64 } });
    try {
      const before = await evaluate((await runner.export({})).onnx, 8);
      expect(before).toBeLessThan(-50);
      while (runner.envSteps < 64_000) await runner.iterate();
      const after = await evaluate((await runner.export({})).onnx, 8);
      expect(after).toBeGreaterThan(-40);
    } finally {
      await runner.dispose();
    }
  });
});
