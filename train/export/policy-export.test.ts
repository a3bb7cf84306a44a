import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { onnxPolicy } from '../../control/policy/onnx-policy.ts';
import { float32Tensor, loadModel } from '../../models/runtime.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { Random } from '../../sim/random.ts';
import { initParameters, type ActorCriticSpec } from '../actor-critic.ts';
import { buildTask } from '../env/task-build.ts';
import { VecEnv } from '../env/vec-env.ts';
import { Learner, freshLearnerState } from '../learner/learner.ts';
import { ObservationNormalizer, NORMALIZED_CLIP } from '../ppo/normalizer.ts';
import { policyLayout, toFeatures } from '../policy-layout.ts';
import { exportPolicy } from './policy-export.ts';

const provenance = { task: 'cartpole-swingup', taskParams: {}, algorithm: 'ppo', envSteps: 0, wallSeconds: 0, seed: 0, metrics: {} };

describe('policy export', () => {
  it("ONNX Runtime on the exported file equals the learner's forward pass within 1e-5, normalisation and angle features included", async () => {
    const { task } = buildTask('cartpole-swingup');
    const layout = policyLayout(task);
    const spec: ActorCriticSpec = { obsDim: layout.featureDim, actionDim: layout.actionDim, actorHidden: [256, 128, 64], criticHidden: [32], initNoiseStd: 1 };
    const params = initParameters(spec, new Random(4));
    // A non-trivial output layer (the fresh one is scaled by 0.01) and normaliser.
    for (const p of params) if (p.name.startsWith('actor.3')) p.data.forEach((x, i) => (p.data[i] = x * 100));
    const random = new Random(8);
    const n = 64;
    const obs = Float32Array.from({ length: n * layout.obsDim }, () => 2 * random.normal());
    const features = new Float32Array(n * layout.featureDim);
    for (let i = 0; i < n; i++) toFeatures(layout, obs.subarray(i * layout.obsDim, (i + 1) * layout.obsDim), features, i * layout.featureDim);
    const normalizer = new ObservationNormalizer(layout.featureDim);
    normalizer.update(features.map((x) => x * 0.3 + 0.1), n);
    const exported = exportPolicy(spec, layout, params, { mean: normalizer.mean, std: normalizer.std(), clip: NORMALIZED_CLIP }, provenance);

    const learner = await Learner.create(spec, freshLearnerState(params));
    const { mu } = await learner.act(normalizer.normalize(features, n), n);
    await learner.dispose();
    const model = await loadModel(exported.onnx, { providers: ['cpu'], warmupRuns: 0 });
    const out = (await model.run({ obs: float32Tensor(obs, [n, layout.obsDim]) })).actions!.data as Float32Array;
    await model.dispose();
    let worst = 0;
    for (let k = 0; k < mu.length; k++) worst = Math.max(worst, Math.abs(out[k]! - mu[k]!) / Math.max(1, Math.abs(mu[k]!)));
    expect(Math.max(...Array.from(mu, Math.abs))).toBeGreaterThan(0.05);
    expect(worst).toBeLessThan(1e-5);
  });

  it('onnx-policy runs the export unchanged and commands what the training environment applied', async () => {
    const R = await loadRapier();
    const { task } = buildTask('cartpole-swingup');
    const layout = policyLayout(task);
    const spec: ActorCriticSpec = { obsDim: layout.featureDim, actionDim: layout.actionDim, actorHidden: [16], criticHidden: [16], initNoiseStd: 1 };
    const params = initParameters(spec, new Random(2));
    for (const p of params) if (p.name.startsWith('actor.1')) p.data.forEach((x, i) => (p.data[i] = x * 300));
    const normalizer = new ObservationNormalizer(layout.featureDim);
    const exported = exportPolicy(spec, layout, params, { mean: normalizer.mean, std: normalizer.std(), clip: NORMALIZED_CLIP }, provenance);
    const dir = mkdtempSync(join(tmpdir(), 'actuate-export-'));
    try {
      writeFileSync(join(dir, 'policy.onnx'), exported.onnx);
      writeFileSync(join(dir, 'policy.card.json'), JSON.stringify(exported.card));
      const controller = await onnxPolicy.create({ taskId: 'cartpole-swingup', taskParams: {}, task, costWeights: () => new Float64Array(4) }, { card: join(dir, 'policy.card.json'), model: '' });
      const env = new VecEnv(R, task, layout, 1, 3);
      const features = env.reset();
      const learner = await Learner.create(spec, freshLearnerState(params));
      const { mu } = await learner.act(normalizer.normalize(features, 1), 1);
      await learner.dispose();
      // The environment's first state, rebuilt the way the engine holds it.
      const state = task.reset(new Random((3 * 7919 + 1) >>> 0));
      const ctrl = await controller.act(state, 0);
      // Torque actions: ctrl = clip(raw, −1, 1) (the card scales by the gear, the engine divides by it).
      expect(ctrl[0]).toBeCloseTo(Math.max(-1, Math.min(1, mu[0]!)), 5);
      expect(Math.abs(mu[0]!)).toBeGreaterThan(0.01);
      await controller.dispose();
      env.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
