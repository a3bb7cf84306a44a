import { describe, expect, it } from 'vitest';
import { loadModel, ort } from '../../models/runtime.ts';
import { Random } from '../../sim/random.ts';
import { initParameters, layerShapes, parameterShapes, type ActorCriticSpec } from '../actor-critic.ts';
import { freshLearnerState, Learner, type Minibatch } from './learner.ts';
import { ADAM, ppoStepGraph } from './ppo-step-graph.ts';

const spec: ActorCriticSpec = { obsDim: 5, actionDim: 2, actorHidden: [16, 8], criticHidden: [12], initNoiseStd: 0.7 };
const hyper = { clipParam: 0.2, valueCoef: 1.0, entropyCoef: 0.01 };

type Params = Map<string, Float64Array>;

/** The PPO loss written plainly in float64 JS: the reference the graph's hand-derived gradients are checked against. */
function referenceLoss(p: Params, b: Minibatch): number {
  const n = b.size;
  const A = spec.actionDim;
  const head = (name: 'actor' | 'critic', x: Float64Array): Float64Array => {
    let h = x;
    const layers = layerShapes(spec, name);
    layers.forEach((l, i) => {
      const W = p.get(l.weight)!;
      const bias = p.get(l.bias)!;
      const y = new Float64Array(l.outSize);
      for (let o = 0; o < l.outSize; o++) {
        let s = bias[o]!;
        for (let k = 0; k < l.inSize; k++) s += h[k]! * W[k * l.outSize + o]!;
        y[o] = i + 1 < layers.length ? (s > 0 ? s : Math.expm1(s)) : s;
      }
      h = y;
    });
    return h;
  };
  const logStd = p.get('log_std')!;
  let surrogate = 0;
  let valueLoss = 0;
  for (let i = 0; i < n; i++) {
    const x = Float64Array.from(b.obs.subarray(i * spec.obsDim, (i + 1) * spec.obsDim));
    const mu = head('actor', x);
    let logProb = -A * 0.5 * Math.log(2 * Math.PI);
    for (let a = 0; a < A; a++) {
      const z = (b.actions[i * A + a]! - mu[a]!) / Math.exp(logStd[a]!);
      logProb += -0.5 * z * z - logStd[a]!;
    }
    const ratio = Math.exp(logProb - b.oldLogProb[i]!);
    const adv = b.advantages[i]!;
    const clipped = Math.min(Math.max(ratio, 1 - hyper.clipParam), 1 + hyper.clipParam);
    surrogate += -Math.min(ratio * adv, clipped * adv);
    const v = head('critic', x)[0]!;
    const ov = b.oldValues[i]!;
    const r = b.returns[i]!;
    const vc = ov + Math.min(Math.max(v - ov, -hyper.clipParam), hyper.clipParam);
    valueLoss += Math.max((v - r) ** 2, (vc - r) ** 2);
  }
  let entropy = 0;
  for (let a = 0; a < A; a++) entropy += logStd[a]! + 0.5 + 0.5 * Math.log(2 * Math.PI);
  return surrogate / n + hyper.valueCoef * (valueLoss / n) - hyper.entropyCoef * entropy;
}

/** A minibatch whose ratios spread well past the clip range on both sides, with old values off by up to ±0.5. */
function makeBatch(random: Random, n: number): Minibatch {
  const A = spec.actionDim;
  const normal = (count: number, scale = 1) => Float32Array.from({ length: count }, () => scale * random.normal());
  return {
    size: n,
    obs: normal(n * spec.obsDim),
    actions: normal(n * A, 0.7),
    oldLogProb: Float32Array.from({ length: n }, () => -2 + 0.6 * random.normal()),
    advantages: normal(n),
    returns: normal(n),
    oldValues: normal(n, 0.5),
    oldMu: normal(n * A, 0.1),
    oldLogStd: Float32Array.from({ length: A }, () => Math.log(0.7)),
  };
}

function feedsFor(b: Minibatch, params: Params, dtype: 'float32' | 'float64', step: { stepSize: number; invSqrtBias2: number; maxGradNorm: number }): Record<string, ort.Tensor> {
  const T = (data: ArrayLike<number>, dims: number[]) => new ort.Tensor(dtype, dtype === 'float64' ? Float64Array.from(data) : Float32Array.from(data), dims);
  const A = spec.actionDim;
  const feeds: Record<string, ort.Tensor> = {
    obs: T(b.obs, [b.size, spec.obsDim]),
    actions: T(b.actions, [b.size, A]),
    old_log_prob: T(b.oldLogProb, [b.size, 1]),
    advantages: T(b.advantages, [b.size, 1]),
    returns: T(b.returns, [b.size, 1]),
    old_values: T(b.oldValues, [b.size, 1]),
    old_mu: T(b.oldMu, [b.size, A]),
    old_log_std: T(b.oldLogStd, [A]),
    step_size: T([step.stepSize], []),
    inv_sqrt_bias2: T([step.invSqrtBias2], []),
    clip_param: T([hyper.clipParam], []),
    value_coef: T([hyper.valueCoef], []),
    entropy_coef: T([hyper.entropyCoef], []),
    max_grad_norm: T([step.maxGradNorm], []),
  };
  for (const s of parameterShapes(spec)) {
    const count = s.dims.reduce((a, c) => a * c, 1);
    feeds[s.name] = T(params.get(s.name)!, s.dims);
    feeds[`${s.name}.m`] = T(new Float64Array(count), s.dims);
    feeds[`${s.name}.v`] = T(new Float64Array(count), s.dims);
  }
  return feeds;
}

function startingParams(seed: number): Params {
  return new Map(initParameters({ ...spec }, new Random(seed)).map((t) => [t.name, Float64Array.from(t.data, (x) => x * 3)]));
}

describe('PPO training-step graph', () => {
  it('hand-derived gradients match float64 central differences of a plain-JS PPO loss', async () => {
    const random = new Random(3);
    const batch = makeBatch(random, 48);
    // Weights ×3 so the actor's small output layer is not near zero and every path carries gradient.
    const params = startingParams(11);
    const session = await loadModel(ppoStepGraph(spec, { dtype: 'float64', emitGradients: true }), { providers: ['cpu'], warmupRuns: 0 });
    const out = await session.run(feedsFor(batch, params, 'float64', { stepSize: 0, invSqrtBias2: 1, maxGradNorm: 1e9 }));
    await session.dispose();
    const ratios: number[] = [];
    let worst = 0;
    let diff2 = 0;
    let norm2 = 0;
    for (const s of parameterShapes(spec)) {
      const grad = out[`grad.${s.name}`]!.data as Float64Array;
      const values = params.get(s.name)!;
      // Every bias and log-std entry, and 12 entries of each weight matrix.
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
        // Relative error, with a floor well below the typical gradient (~0.01–1) so that entries near
        // zero are judged by their absolute error (central differences carry ~1e-11 of round-off).
        const error = Math.abs(grad[k]! - numeric) / Math.max(Math.abs(numeric), Math.abs(grad[k]!), 1e-3);
        ratios.push(error);
        worst = Math.max(worst, error);
        diff2 += (grad[k]! - numeric) ** 2;
        norm2 += numeric ** 2;
      }
    }
    expect(ratios.length).toBeGreaterThan(60);
    expect(worst).toBeLessThan(1e-6);
    expect(Math.sqrt(diff2 / norm2)).toBeLessThan(1e-8);
  });

  it('clips the gradient norm and takes the torch.optim.Adam step', async () => {
    const batch = makeBatch(new Random(5), 32);
    const params = startingParams(12);
    const session = await loadModel(ppoStepGraph(spec, { dtype: 'float64', emitGradients: true }), { providers: ['cpu'], warmupRuns: 0 });
    const lr = 1e-3;
    const out = await session.run(feedsFor(batch, params, 'float64', { stepSize: lr / (1 - ADAM.beta1), invSqrtBias2: 1 / Math.sqrt(1 - ADAM.beta2), maxGradNorm: 0.5 }));
    await session.dispose();
    let sq = 0;
    for (const s of parameterShapes(spec)) for (const g of out[`grad.${s.name}`]!.data as Float64Array) sq += g * g;
    const norm = Math.sqrt(sq);
    expect(norm).toBeGreaterThan(0.5); // so the clip is exercised
    expect((out.grad_norm!.data as Float64Array)[0]).toBeCloseTo(norm, 10);
    const scale = 0.5 / (norm + 1e-6);
    for (const s of parameterShapes(spec)) {
      const g = out[`grad.${s.name}`]!.data as Float64Array;
      const next = out[`${s.name}.next`]!.data as Float64Array;
      const p = params.get(s.name)!;
      for (let k = 0; k < p.length; k++) {
        const gk = g[k]! * scale;
        const m = (1 - ADAM.beta1) * gk;
        const v = (1 - ADAM.beta2) * gk * gk;
        const expected = p[k]! - lr * (m / (1 - ADAM.beta1)) / (Math.sqrt(v / (1 - ADAM.beta2)) + ADAM.eps);
        expect(next[k]).toBeCloseTo(expected, 12);
      }
    }
  });

  it('the float32 learner improves the PPO objective on a minibatch collected from its own policy', async () => {
    const random = new Random(9);
    const n = 256;
    const A = spec.actionDim;
    const learner = await Learner.create(spec, freshLearnerState(initParameters(spec, new Random(1))));
    const batch = makeBatch(random, n);
    // As in a rollout: actions sampled from the current policy, its log-probabilities and values recorded.
    const { mu, value } = await learner.act(batch.obs, n);
    const logStd = learner.logStd();
    batch.oldMu = mu.slice();
    batch.oldLogStd = logStd.slice();
    batch.oldValues = value.slice();
    for (let i = 0; i < n; i++) {
      let logProb = -A * 0.5 * Math.log(2 * Math.PI);
      for (let a = 0; a < A; a++) {
        const z = random.normal();
        batch.actions[i * A + a] = mu[i * A + a]! + Math.exp(logStd[a]!) * z;
        logProb += -0.5 * z * z - logStd[a]!;
      }
      batch.oldLogProb[i] = logProb;
      batch.returns[i] = value[i]! + 0.15; // learnable through the bias, inside the value clip
    }
    const step = { learningRate: 1e-3, maxGradNorm: 1, ...hyper };
    const first = await learner.step(batch, step);
    expect(first.kl).toBeCloseTo(0, 6); // the first step sees the policy that collected the batch
    expect(first.clip_fraction).toBe(0);
    let last = first;
    for (let i = 0; i < 49; i++) last = await learner.step(batch, step);
    expect(learner.steps).toBe(50);
    expect(last.value_loss).toBeLessThan(first.value_loss * 0.5);
    expect(last.surrogate_loss).toBeLessThan(first.surrogate_loss - 0.01);
    expect(last.kl).toBeGreaterThan(1e-4);
    expect(last.grad_norm).toBeGreaterThan(0);
    await learner.dispose();
  });
});
