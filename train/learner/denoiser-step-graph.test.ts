import { describe, expect, it } from 'vitest';
import { loadModel, ort } from '../../models/runtime.ts';
import { Random } from '../../sim/random.ts';
import { chunkSize, conditionSize, denoiserLayers, denoiserParameterShapes, initDenoiser, timeFrequencies, type DenoiserSpec } from '../diffusion/denoiser.ts';
import { denoiserStepGraph } from './denoiser-step-graph.ts';
import { ADAM } from './mlp-graph.ts';

const spec: DenoiserSpec = { horizon: 4, actionDim: 2, obsHorizon: 2, obsDim: 3, hidden: [16, 12], timeEmbedDim: 6 };

type Params = Map<string, Float64Array>;

interface Batch {
  size: number;
  noisy: Float64Array;
  noise: Float64Array;
  condition: Float64Array;
  timestep: Float64Array;
}

/** The noise-prediction MSE of the denoiser written plainly in float64 JS: the reference for the graph's hand-derived gradients. */
function referenceLoss(p: Params, b: Batch): number {
  const C = chunkSize(spec);
  const D = conditionSize(spec);
  const freqs = timeFrequencies(spec);
  const layers = denoiserLayers(spec);
  let sum = 0;
  for (let i = 0; i < b.size; i++) {
    const phase = freqs.map((f) => b.timestep[i]! * f);
    const context = [...b.condition.subarray(i * D, (i + 1) * D), ...phase.map(Math.sin), ...phase.map(Math.cos)];
    let h = Float64Array.from(b.noisy.subarray(i * C, (i + 1) * C));
    layers.forEach((l, k) => {
      // Every layer sees its input followed by the context (observations, timestep embedding).
      h = Float64Array.from([...h, ...context]);
      const W = p.get(l.weight)!;
      const y = new Float64Array(l.outSize);
      for (let o = 0; o < l.outSize; o++) {
        let s = p.get(l.bias)![o]!;
        for (let j = 0; j < l.inSize; j++) s += h[j]! * W[j * l.outSize + o]!;
        y[o] = k + 1 < layers.length ? (s > 0 ? s : Math.expm1(s)) : s;
      }
      h = y;
    });
    for (let k = 0; k < C; k++) sum += (h[k]! - b.noise[i * C + k]!) ** 2;
  }
  return sum / (b.size * C);
}

function makeBatch(random: Random, n: number): Batch {
  const normal = (count: number) => Float64Array.from({ length: count }, () => random.normal());
  return { size: n, noisy: normal(n * chunkSize(spec)), noise: normal(n * chunkSize(spec)), condition: normal(n * conditionSize(spec)), timestep: Float64Array.from({ length: n }, () => Math.floor(random.uniform() * 100)) };
}

function feedsFor(b: Batch, params: Params, step: { stepSize: number; invSqrtBias2: number; maxGradNorm: number }): Record<string, ort.Tensor> {
  const T = (data: ArrayLike<number>, dims: number[]) => new ort.Tensor('float64', Float64Array.from(data), dims);
  const feeds: Record<string, ort.Tensor> = {
    noisy_chunk: T(b.noisy, [b.size, chunkSize(spec)]),
    noise: T(b.noise, [b.size, chunkSize(spec)]),
    condition: T(b.condition, [b.size, conditionSize(spec)]),
    timestep: T(b.timestep, [b.size, 1]),
    step_size: T([step.stepSize], []),
    inv_sqrt_bias2: T([step.invSqrtBias2], []),
    max_grad_norm: T([step.maxGradNorm], []),
  };
  for (const s of denoiserParameterShapes(spec)) {
    const count = s.dims.reduce((a, c) => a * c, 1);
    feeds[s.name] = T(params.get(s.name)!, s.dims);
    feeds[`${s.name}.m`] = T(new Float64Array(count), s.dims);
    feeds[`${s.name}.v`] = T(new Float64Array(count), s.dims);
  }
  return feeds;
}

const startingParams = (seed: number): Params => new Map(initDenoiser(spec, new Random(seed)).map((t) => [t.name, Float64Array.from(t.data)]));

describe('denoiser training-step graph', () => {
  it('hand-derived gradients match float64 central differences of a plain-JS noise MSE', async () => {
    const random = new Random(4);
    const batch = makeBatch(random, 24);
    const params = startingParams(7);
    const session = await loadModel(denoiserStepGraph(spec, { dtype: 'float64', emitGradients: true }), { providers: ['cpu'], warmupRuns: 0 });
    const out = await session.run(feedsFor(batch, params, { stepSize: 0, invSqrtBias2: 1, maxGradNorm: 1e9 }));
    await session.dispose();
    expect((out.loss!.data as Float64Array)[0]).toBeCloseTo(referenceLoss(params, batch), 12);
    let worst = 0;
    let checked = 0;
    for (const s of denoiserParameterShapes(spec)) {
      const grad = out[`grad.${s.name}`]!.data as Float64Array;
      const values = params.get(s.name)!;
      const picks = values.length <= 16 ? [...values.keys()] : Array.from({ length: 12 }, () => Math.floor(random.uniform() * values.length));
      for (const k of picks) {
        const h = 1e-5;
        const x0 = values[k]!;
        values[k] = x0 + h;
        const up = referenceLoss(params, batch);
        values[k] = x0 - h;
        const down = referenceLoss(params, batch);
        values[k] = x0;
        const numeric = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(grad[k]! - numeric) / Math.max(Math.abs(numeric), Math.abs(grad[k]!), 1e-4));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(worst).toBeLessThan(1e-6);
  });

  it('clips the gradient norm before the Adam step', async () => {
    const batch = makeBatch(new Random(5), 16);
    const params = startingParams(8);
    const session = await loadModel(denoiserStepGraph(spec, { dtype: 'float64', emitGradients: true }), { providers: ['cpu'], warmupRuns: 0 });
    const lr = 1e-2;
    const out = await session.run(feedsFor(batch, params, { stepSize: lr / (1 - ADAM.beta1), invSqrtBias2: 1 / Math.sqrt(1 - ADAM.beta2), maxGradNorm: 0.05 }));
    await session.dispose();
    let sq = 0;
    for (const s of denoiserParameterShapes(spec)) for (const g of out[`grad.${s.name}`]!.data as Float64Array) sq += g * g;
    expect(Math.sqrt(sq)).toBeGreaterThan(0.05);
    expect((out.grad_norm!.data as Float64Array)[0]).toBeCloseTo(Math.sqrt(sq), 10);
    // Adam's first step moves every parameter with a nonzero gradient by about lr, whatever the clip scale.
    const name = denoiserLayers(spec)[0]!.weight;
    const moved = (out[`${name}.next`]!.data as Float64Array).map((x, k) => Math.abs(x - params.get(name)![k]!));
    expect(Math.max(...moved)).toBeCloseTo(lr, 6);
  });
});
