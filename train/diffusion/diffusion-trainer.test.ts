import { describe, expect, it } from 'vitest';
import { DiffusionPolicy } from '../../control/diffusion/diffusion-policy.ts';
import { float32Tensor, int64Tensor, loadModel } from '../../models/runtime.ts';
import { Random } from '../../sim/random.ts';
import { denoiserForwardGraph } from '../learner/denoiser-step-graph.ts';
import type { DemoEpisodeData } from './demo-dataset.ts';
import { chunkSize, conditionSize, denoiserParameterShapes } from './denoiser.ts';
import { DiffusionTrainer } from './diffusion-trainer.ts';

/**
 * A point driven to a goal: observation [x, y, goal x, goal y], action = the clipped step toward the goal
 * (the expert), x ← x + 0.25 · action. Four episodes from starts around the goal, so that every
 * action component is seen with both signs and the goal's zero action lies inside the range.
 */
function demonstrations(): DemoEpisodeData[] {
  const starts = [[-0.5, 0.6], [1.3, -0.9], [1.0, 0.5], [-0.2, -1.1]];
  return starts.map((start) => {
    const steps = 24;
    const goal = [0.5, -0.3];
    const x = [...start];
    const observations = new Float32Array(steps * 4);
    const actions = new Float32Array(steps * 2);
    for (let t = 0; t < steps; t++) {
      observations.set([x[0]!, x[1]!, goal[0]!, goal[1]!], t * 4);
      for (let k = 0; k < 2; k++) {
        const a = Math.max(-1, Math.min(1, 2 * (goal[k]! - x[k]!)));
        actions[t * 2 + k] = a;
        x[k]! += 0.25 * a;
      }
    }
    return { steps, observations, actions };
  });
}

const options = { horizon: 4, obsHorizon: 2, actionSteps: 2, hidden: [64, 64], timeEmbedDim: 16, batchSize: 64, learningRate: 3e-3, warmupSteps: 20, decaySteps: 1500, seed: 0 };
const provenance = { task: 'point', taskParams: {}, demonstrations: { files: [], episodes: 4, steps: 96, controller: 'expert' }, trainSteps: 0, batchSize: 64, wallSeconds: 0, seed: 0, metrics: {} };

describe('diffusion training', () => {
  it('lowers the noise loss, exports what it learned, and the exported policy reproduces its demonstrations', async () => {
    const demos = demonstrations();
    const trainer = await DiffusionTrainer.create(demos, 4, 2, options);
    const losses: number[] = [];
    for (let i = 0; i < 1500; i++) losses.push((await trainer.step()).loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-50))).toBeLessThan(0.25 * mean(losses.slice(0, 20)));

    // Export parity: the learner's forward graph on the EMA weights and ONNX Runtime on the exported file.
    const { onnx, card } = trainer.export(provenance);
    const spec = trainer.spec;
    const exported = await loadModel(onnx, { providers: ['cpu'], warmupRuns: 0 });
    const forward = await loadModel(denoiserForwardGraph(spec), { providers: ['cpu'], warmupRuns: 0 });
    const random = new Random(3);
    const B = 8;
    const chunk = Float32Array.from({ length: B * chunkSize(spec) }, () => random.normal());
    const condition = Float32Array.from({ length: B * conditionSize(spec) }, () => random.normal());
    const t = Array.from({ length: B }, (_, i) => i * 12);
    const feeds = Object.fromEntries(trainer.averagedParameters().map((p) => [p.name, float32Tensor(p.data, p.dims)]));
    const a = (await forward.run({ ...feeds, noisy_chunk: float32Tensor(chunk, [B, chunkSize(spec)]), condition: float32Tensor(condition, [B, conditionSize(spec)]), timestep: float32Tensor(t, [B, 1]) })).noise_pred!.data as Float32Array;
    const b = (await exported.run({ sample: float32Tensor(chunk, [B, spec.horizon, spec.actionDim]), timestep: int64Tensor(t, [B]), global_cond: float32Tensor(condition, [B, conditionSize(spec)]) })).noise_pred!.data as Float32Array;
    expect(denoiserParameterShapes(spec)).toHaveLength(trainer.averagedParameters().length);
    expect(Math.max(...a.map((x, i) => Math.abs(x - b[i]!)))).toBeLessThan(1e-5);
    await forward.dispose();

    // The exported model under diffusion-policy (DDIM, 10 steps) replays each demonstration: fed its
    // observations it chooses its actions, and in closed loop from its start it reaches the goal too.
    const policy = new DiffusionPolicy({ model: exported, spec: card.diffusion!, obsDim: 4 }, { scheduler: 'ddim', inferenceSteps: 10, eta: 0, actionSteps: 0, ensemble: 'off', ensembleDecay: 0.01 });
    let error = 0;
    for (const demo of demos) {
      policy.reset(0);
      for (let s = 0; s < demo.steps; s++) {
        const action = await policy.actOnObservation(demo.observations.subarray(s * 4, s * 4 + 4));
        for (let k = 0; k < 2; k++) error += Math.abs(action[k]! - demo.actions[s * 2 + k]!) / (demo.steps * 2 * demos.length);
      }
      policy.reset(1);
      const x = Array.from(demo.observations.subarray(0, 2));
      for (let s = 0; s < demo.steps; s++) {
        const action = await policy.actOnObservation([x[0]!, x[1]!, 0.5, -0.3]);
        for (let k = 0; k < 2; k++) x[k]! += 0.25 * Math.max(-1, Math.min(1, action[k]!));
      }
      expect(Math.hypot(x[0]! - 0.5, x[1]! + 0.3)).toBeLessThan(0.05);
    }
    await policy.dispose();
    await trainer.dispose();
    // Actions span [−1, 1]; an untrained denoiser is off by about 0.5 on average.
    expect(error).toBeLessThan(0.1);
  });
});
