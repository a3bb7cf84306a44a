/**
 * PPO learns: on cart-pole swing-up, a bounded budget of 128k environment steps (≈ 30–60 s on two
 * cores) takes the policy from hanging still (the untrained policy pushes ≈ 0: return ≈ −200) to
 * pumping the pole up (return > −160; measured −116 to −135 for seeds 1 and 2 at 100–130k steps, a full
 * swing-up and balance is ≈ −28 after ≈ 900k). Judged on the exported policy's mean action (what
 * onnx-policy runs) in fresh, whole episodes.
 *
 * This used to plateau (on cart-pole balance, at the zero-action return): every environment reset on
 * the same step, so most rollouts held one phase of the episode only. The environments now start out of
 * phase (VecEnvOptions.staggerEpisodes); docs/training.md tells the story.
 */
import { describe, expect, it } from 'vitest';
import { float32Tensor, loadModel } from '../../models/runtime.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { buildTask } from '../../train/env/task-build.ts';
import { VecEnv } from '../../train/env/vec-env.ts';
import { policyLayout } from '../../train/policy-layout.ts';
import { PpoRunner } from '../../train/ppo/runner.ts';

const TASK = 'cartpole-swingup';
const PARAMS = {};
const BUDGET = 128_000;

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
  it('learns to swing a cart-pole\'s pole up within 128k environment steps', { timeout: 600_000 }, async () => {
    const runner = await PpoRunner.create({ taskId: TASK, taskParams: PARAMS, envs: 64, workers: 1, seed: 1, hidden: [64, 64], initNoiseStd: 1, ppo: { stepsPerEnv: 32 } });
    try {
      const before = await evaluate((await runner.export({})).onnx, 8);
      expect(before).toBeLessThan(-180);
      while (runner.envSteps < BUDGET) await runner.iterate();
      const after = await evaluate((await runner.export({})).onnx, 8);
      expect(after).toBeGreaterThan(-160);
    } finally {
      await runner.dispose();
    }
  });
});
