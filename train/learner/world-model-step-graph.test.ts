import { describe, expect, it } from 'vitest';
import { loadModel, ort } from '../../models/runtime.ts';
import { Random } from '../../sim/random.ts';
import { initWorldModel, layerShapesOf, LOG_STD_MAX, LOG_STD_MIN, modelNets, parameterShapesOf, qNets, worldModelParameterShapes, type WorldModelNet, type WorldModelNetSpec } from '../world-model/world-model-net.ts';
import { OnnxLatentModel } from '../../control/world-model/latent-model.ts';
import { exportWorldModel } from '../export/world-model-export.ts';
import { LATENT_MPPI_PARAMS, LatentMppi } from '../../control/world-model/latent-mppi.ts';
import { defaults } from '../../sim/params.ts';
import { freshWorldModelState, WorldModelLearner, type RolloutBatch } from './world-model-learner.ts';
import { worldModelStepGraph } from './world-model-step-graph.ts';

const spec: WorldModelNetSpec = { obsDim: 4, actionDim: 2, latentDim: 3, hidden: [6], qHeads: 2 };
const coef = { discount: 0.9, consistency_coef: 2, reward_coef: 0.7, value_coef: 0.3, entropy_coef: 0.05, q_scale: 1.5 };
const H = 3;
const rho = 0.6;
type Params = Map<string, Float64Array>;
interface Batch extends RolloutBatch {
  policyNoise: Float32Array;
  nextNoise: Float32Array;
}

/** The networks in plain float64 JS. */
function mlp(p: Params, net: WorldModelNet, x: number[], prefix = ''): number[] {
  const layers = layerShapesOf(spec, net);
  let h = x;
  layers.forEach((l, i) => {
    const W = p.get(prefix + l.weight)!;
    const b = p.get(prefix + l.bias)!;
    const y: number[] = [];
    for (let o = 0; o < l.outSize; o++) {
      let s = b[o]!;
      for (let k = 0; k < l.inSize; k++) s += h[k]! * W[k * l.outSize + o]!;
      y.push(i + 1 < layers.length ? (s > 0 ? s : Math.expm1(s)) : s);
    }
    h = y;
  });
  return h;
}
const encode = (p: Params, obs: number[]) => mlp(p, 'encoder', obs).map(Math.tanh);
function policySample(p: Params, z: number[], eps: number[]): { a: number[]; logPi: number } {
  const A = spec.actionDim;
  const out = mlp(p, 'policy', z);
  let logPi = 0;
  const a = eps.map((e, j) => {
    const logStd = LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (Math.tanh(out[A + j]!) + 1);
    const aj = Math.tanh(out[j]! + Math.exp(logStd) * e);
    logPi += -0.5 * e * e - logStd - 0.5 * Math.log(2 * Math.PI) - Math.log(1 - aj * aj + 1e-6);
    return aj;
  });
  return { a, logPi };
}

/** Row j of step t of a step-major [T, B, n] array. */
const at = (x: Float32Array, b: Batch, t: number, j: number, n: number) => Array.from(x.subarray((t * b.size + j) * n, (t * b.size + j + 1) * n));

/** z_0 … z_H of sub-trajectory j: the encoder, then the dynamics. */
function rollout(p: Params, b: Batch, j: number): number[][] {
  const zs = [encode(p, at(b.obs, b, 0, j, spec.obsDim))];
  for (let t = 0; t < H; t++) zs.push(mlp(p, 'dynamics', [...zs[t]!, ...at(b.action, b, t, j, spec.actionDim)]).map(Math.tanh));
  return zs;
}

/** The stopped-gradient quantities, from the base parameters: z⁺_t, the TD targets y_t and sg(z_0 … z_H). */
function fixedParts(p: Params, b: Batch, j: number): { zNext: number[][]; y: number[]; zs: number[][] } {
  const zNext: number[][] = [];
  const y: number[] = [];
  for (let t = 0; t < H; t++) {
    const z = encode(p, at(b.obs, b, t + 1, j, spec.obsDim));
    const { a } = policySample(p, z, at(b.nextNoise, b, t, j, spec.actionDim));
    const qMin = Math.min(...qNets(spec).map((net) => mlp(p, net, [...z, ...a], 'target.')[0]!));
    zNext.push(z);
    y.push(b.reward[t * b.size + j]! + coef.discount * b.notDone[t * b.size + j]! * qMin);
  }
  return { zNext, y, zs: rollout(p, b, j) };
}

/** TD-MPC2's L_model over the H-step rollout with z⁺ and y held fixed, and L_π on the fixed sg(z_t). */
function referenceLosses(p: Params, b: Batch, fixed: ReturnType<typeof fixedParts>[]): { model: number; policy: number } {
  const n = b.size;
  const K = spec.qHeads;
  let c = 0;
  let r = 0;
  let v = 0;
  let pl = 0;
  for (let j = 0; j < n; j++) {
    const f = fixed[j]!;
    const zs = rollout(p, b, j);
    for (let t = 0; t < H; t++) {
      const w = rho ** t;
      const za = [...zs[t]!, ...at(b.action, b, t, j, spec.actionDim)];
      zs[t + 1]!.forEach((x, l) => (c += w * (x - f.zNext[t]![l]!) ** 2));
      r += w * (mlp(p, 'reward', za)[0]! - b.reward[t * n + j]!) ** 2;
      for (const net of qNets(spec)) v += w * (mlp(p, net, za)[0]! - f.y[t]!) ** 2;
    }
    for (let t = 0; t <= H; t++) {
      const { a, logPi } = policySample(p, f.zs[t]!, at(b.policyNoise, b, t, j, spec.actionDim));
      const q = qNets(spec).reduce((s, net) => s + mlp(p, net, [...f.zs[t]!, ...a])[0]!, 0) / K;
      pl += rho ** t * (coef.entropy_coef * logPi - q / coef.q_scale);
    }
  }
  return { model: (coef.consistency_coef * c) / (H * n * spec.latentDim) + (coef.reward_coef * r) / (H * n) + (coef.value_coef * v) / (H * n * K), policy: pl / ((H + 1) * n) };
}

function makeBatch(random: Random, n: number, horizon = H): Batch {
  const normal = (count: number, scale = 1) => Float32Array.from({ length: count }, () => scale * random.normal());
  return {
    size: n,
    horizon,
    obs: normal((horizon + 1) * n * spec.obsDim),
    action: Float32Array.from({ length: horizon * n * spec.actionDim }, () => 2 * random.uniform() - 1),
    reward: normal(horizon * n, 0.5),
    notDone: Float32Array.from({ length: horizon * n }, (_, i) => (i % 5 === 0 ? 0 : 1)),
    policyNoise: normal((horizon + 1) * n * spec.actionDim),
    nextNoise: normal(horizon * n * spec.actionDim),
  };
}

describe('world-model training-step graph', () => {
  it('hand-derived gradients of both losses over a 3-step latent rollout match float64 central differences of plain-JS TD-MPC2 losses', async () => {
    const random = new Random(4);
    const batch = makeBatch(random, 12);
    // Weights ×2 and no zeroed output layers, so every path carries gradient; the targets differ from the online Q heads.
    const params: Params = new Map(initWorldModel(spec, new Random(7)).map((t) => [t.name, Float64Array.from(t.data, (x) => 2 * x + 0.2 * random.normal())]));
    for (const s of parameterShapesOf(spec, qNets(spec))) params.set(`target.${s.name}`, params.get(s.name)!.map((x) => x + 0.1 * random.normal()));
    const T = (data: ArrayLike<number>, dims: number[]) => new ort.Tensor('float64', Float64Array.from(data), dims);
    const n = batch.size;
    const feeds: Record<string, ort.Tensor> = {
      obs: T(batch.obs, [H + 1, n, spec.obsDim]),
      action: T(batch.action, [H, n, spec.actionDim]),
      reward: T(batch.reward, [H, n, 1]),
      not_done: T(batch.notDone, [H, n, 1]),
      policy_noise: T(batch.policyNoise, [H + 1, n, spec.actionDim]),
      next_noise: T(batch.nextNoise, [H, n, spec.actionDim]),
      step_size: T([0], []),
      inv_sqrt_bias2: T([1], []),
      max_grad_norm: T([1e9], []),
      ...Object.fromEntries(Object.entries(coef).map(([k, v]) => [k, T([v], [])])),
    };
    for (const s of worldModelParameterShapes(spec)) {
      const zeros = new Float64Array(params.get(s.name)!.length);
      feeds[s.name] = T(params.get(s.name)!, s.dims);
      feeds[`${s.name}.m`] = T(zeros, s.dims);
      feeds[`${s.name}.v`] = T(zeros, s.dims);
    }
    for (const s of parameterShapesOf(spec, qNets(spec))) feeds[`target.${s.name}`] = T(params.get(`target.${s.name}`)!, s.dims);
    const session = await loadModel(worldModelStepGraph(spec, { horizon: H, rho, dtype: 'float64', emitGradients: true }), { providers: ['cpu'], warmupRuns: 0 });
    const out = await session.run(feeds);
    await session.dispose();

    const fixed = Array.from({ length: n }, (_, i) => fixedParts(params, batch, i));
    const base = referenceLosses(params, batch, fixed);
    expect((out.value_loss!.data as Float64Array)[0]! + (out.consistency_loss!.data as Float64Array)[0]! + (out.reward_loss!.data as Float64Array)[0]!).toBeCloseTo(base.model, 10);
    expect((out.policy_loss!.data as Float64Array)[0]).toBeCloseTo(base.policy, 10);
    const modelNames = new Set(parameterShapesOf(spec, modelNets(spec)).map((s) => s.name));
    let worst = 0;
    let checked = 0;
    for (const s of worldModelParameterShapes(spec)) {
      const grad = out[`grad.${s.name}`]!.data as Float64Array;
      const values = params.get(s.name)!;
      const which = modelNames.has(s.name) ? 'model' : 'policy';
      const picks = values.length <= 12 ? [...values.keys()] : Array.from({ length: 10 }, () => Math.floor(random.uniform() * values.length));
      for (const k of picks) {
        const h = 1e-5;
        const x0 = values[k]!;
        values[k] = x0 + h;
        const up = referenceLosses(params, batch, fixed)[which];
        values[k] = x0 - h;
        const down = referenceLosses(params, batch, fixed)[which];
        values[k] = x0;
        const numeric = (up - down) / (2 * h);
        worst = Math.max(worst, Math.abs(grad[k]! - numeric) / Math.max(Math.abs(numeric), Math.abs(grad[k]!), 1e-3));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(worst).toBeLessThan(1e-6);
  });

  it('the exported models compute the trained networks (float64 JS reference, within 1e-5); the exported one-call rollout value plans as they do', async () => {
    const params = initWorldModel(spec, new Random(5)).map((t) => ({ ...t, data: t.data.map((x) => 2 * x + 0.05) }));
    const p: Params = new Map(params.map((t) => [t.name, Float64Array.from(t.data)]));
    const { files, card } = exportWorldModel(params, { spec, discount: 0.9, actionLow: [-1, -1], actionHigh: [1, 1], provenance: { task: 't', taskParams: {}, algorithm: 'world-model', envSteps: 0, wallSeconds: 0, seed: 0, metrics: {}, hyper: {} } });
    expect(card.worldModel!.models.q).toBe('world-model.q.onnx');
    const { value, ...five } = files;
    const model = await OnnxLatentModel.load(five, { providers: ['cpu'], warmupRuns: 0 });
    const obs = [0.3, -0.7, 1.1, 0.2];
    const a = [0.4, -0.9];
    const z = await model.encode(obs);
    const close = (got: ArrayLike<number>, want: number[]) => want.forEach((w, i) => expect(Math.abs(got[i]! - w)).toBeLessThan(1e-5));
    close(z, encode(p, obs));
    const zs = Array.from(z);
    const za = Float32Array.from(zs);
    const aa = Float32Array.from(a);
    close(await model.next(za, aa, 1), mlp(p, 'dynamics', [...zs, ...a]).map(Math.tanh));
    close(await model.reward(za, aa, 1), mlp(p, 'reward', [...zs, ...a]));
    const q = await model.q(za, aa, 1);
    expect(q.ensemble).toBe(spec.qHeads);
    close(q.values, qNets(spec).map((net) => mlp(p, net, [...zs, ...a])[0]!));
    const pi = await model.pi(za, 1);
    const mean = policySample(p, zs, [0, 0]).a;
    close(pi.mean, mean);
    const out = mlp(p, 'policy', zs);
    close(pi.std!, mean.map((m, j) => Math.exp(LOG_STD_MIN + 0.5 * (LOG_STD_MAX - LOG_STD_MIN) * (Math.tanh(out[spec.actionDim + j]!) + 1)) * (1 - m * m)));

    // The exported one-call rollout value plans as the per-function calls do: same draws, same plan.
    expect(card.worldModel!.models.value).toBe('world-model.value.onnx');
    const withValue = await OnnxLatentModel.load({ ...five, value }, { providers: ['cpu'], warmupRuns: 0 });
    for (const qReduce of ['mean', 'min']) {
      const settings = { ...defaults(LATENT_MPPI_PARAMS), samples: 40, elites: 6, iterations: 3, policyTrajectories: 5, qReduce };
      const plans = [];
      for (const m of [model, withValue]) {
        const planner = new LatentMppi(m);
        planner.reset(11);
        plans.push(await planner.plan(obs, settings));
      }
      expect(plans[1]!.modelCalls).toBeLessThan(plans[0]!.modelCalls);
      expect(Math.abs(plans[1]!.bestValue - plans[0]!.bestValue)).toBeLessThan(1e-4 * Math.max(1, Math.abs(plans[0]!.bestValue)));
      close(plans[1]!.mean, Array.from(plans[0]!.mean));
    }
    await withValue.dispose();
    await model.dispose();
  });

  it('the float32 learner fits a fixed batch: the model losses fall, the policy steps, its actions stay in (−1, 1)', async () => {
    const random = new Random(2);
    const net: WorldModelNetSpec = { ...spec, latentDim: 8, hidden: [32] };
    const learner = await WorldModelLearner.create(net, freshWorldModelState(net, initWorldModel(net, new Random(1))), { horizon: H, rho: 0.5 });
    const b = makeBatch(random, 128);
    // A reward the model can learn along its rollout: r_t = 0.5·(o_0)₀ + 0.3·(a_t)₀.
    for (let t = 0; t < H; t++) for (let i = 0; i < b.size; i++) b.reward[t * b.size + i] = 0.5 * b.obs[i * net.obsDim]! + 0.3 * b.action[(t * b.size + i) * net.actionDim]!;
    const hyper = { learningRate: 3e-3, maxGradNorm: 20, discount: 0.9, consistencyCoef: 20, rewardCoef: 1, valueCoef: 1, entropyCoef: 1e-3, qScale: 1, targetRate: 0.05 };
    const first = await learner.step(b, hyper, () => random.normal());
    let last = first;
    for (let i = 0; i < 150; i++) last = await learner.step(b, hyper, () => random.normal());
    expect(learner.steps).toBe(151);
    expect(last.reward_loss).toBeLessThan(first.reward_loss * 0.3);
    expect(last.consistency_loss).toBeLessThan(first.consistency_loss);
    expect(Number.isFinite(last.value_loss)).toBe(true);
    expect(last.grad_norm).toBeGreaterThan(0);
    expect(last.policy_grad_norm).toBeGreaterThan(0);
    const actions = await learner.act(b.obs.subarray(0, b.size * net.obsDim), new Float32Array(b.size * net.actionDim), b.size);
    expect(actions.every((a) => a > -1 && a < 1)).toBe(true);
    await learner.dispose();
  });
});
