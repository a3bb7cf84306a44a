/**
 * One ONNX graph holding a whole TD-MPC2 training step (Hansen et al. 2024, `TDMPC2._update`) for the
 * networks of train/world-model/world-model-net.ts, over a latent rollout of H steps (TD-MPC2: 3)
 * along B sub-trajectories o_0, a_0, r_0, …, o_H of the replay buffer:
 *
 *   z_0 = h(o_0),  z_{t+1} = d(z_t, a_t)                             (the rollout, gradient through it)
 *   z⁺_t = sg(h(o_{t+1})),  y_t = r_t + γ·(1 − done_t)·min_k Q̄_k(z⁺_t, a⁺_t),  a⁺_t ~ π(z⁺_t)
 *   L_model = 1/H Σ_t ρᵗ [c_c·mean‖z_{t+1} − z⁺_t‖² + c_r·mean(R(z_t, a_t) − r_t)² + c_q·mean_k (Q_k(z_t, a_t) − y_t)²]
 *   L_π = 1/(H+1) Σ_{t ≤ H} ρᵗ mean(α·log π(a_π | sg z_t) − mean_k Q_k(sg z_t, a_π) / q_scale)
 *
 * (Q̄: the EMA target heads; H = 1 is a one-step loss on single transitions.) L_model trains encoder,
 * dynamics, reward and Q; L_π trains the policy alone (its gradient passes through the Q heads into
 * the action without changing them), each group with its own grad-norm clip and Adam step, as
 * TD-MPC2's two optimisers. Backward passes are derived by hand (mlp-graph.ts); the dynamics'
 * gradient sums over the rollout's steps.
 *
 * Inputs, step-major: obs [H+1,B,D], action [H,B,A] (in [−1, 1]), reward [H,B,1], not_done [H,B,1],
 * policy_noise [H+1,B,A] and next_noise [H,B,A] (ε ~ N(0, 1) for a_π and a⁺).
 * Scalars ([]): step_size, inv_sqrt_bias2, max_grad_norm (mlp-graph.ts), discount, consistency_coef,
 * reward_coef, value_coef, entropy_coef (α), q_scale. For every parameter p: p, p.m, p.v; for every
 * Q parameter also target.p. Outputs: p.next, p.m.next, p.v.next, the statistics STEP_STATS, and with
 * `emitGradients` grad.p (unclipped), for the gradient check.
 */
import type { LayerShape } from '../actor-critic.ts';
import { layerShapesOf, LOG_STD_MAX, LOG_STD_MIN, modelNets, parameterShapesOf, qNets, worldModelParameterShapes, type WorldModelNet, type WorldModelNetSpec } from '../world-model/world-model-net.ts';
import { GraphOps, type FloatType } from './graph-ops.ts';
import { backwardMlp, clippedAdamStep, forwardMlp, inverseBatch, type AdamInputs } from './mlp-graph.ts';

export const WORLD_MODEL_SCALARS = ['step_size', 'inv_sqrt_bias2', 'max_grad_norm', 'discount', 'consistency_coef', 'reward_coef', 'value_coef', 'entropy_coef', 'q_scale'] as const;
export const WORLD_MODEL_STATS = ['consistency_loss', 'reward_loss', 'value_loss', 'policy_loss', 'entropy', 'q_mean', 'grad_norm', 'policy_grad_norm'] as const;
export type WorldModelStat = (typeof WORLD_MODEL_STATS)[number];

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
/** Keeps log(1 − tanh²) finite at saturation (TD-MPC2's squash correction uses 1e-6). */
const SQUASH_EPS = 1e-6;

/** Named pieces of the networks' forward passes, shared with the export (parameters as inputs or constants). */
export class WorldModelGraph {
  private counter = 0;

  constructor(
    readonly o: GraphOps,
    readonly spec: WorldModelNetSpec,
  ) {}

  /** A network's layers; `prefix` names another copy of its parameters ('target.' for the EMA Q heads). */
  layers(net: WorldModelNet, prefix = ''): LayerShape[] {
    return layerShapesOf(this.spec, net).map((l) => ({ ...l, weight: prefix + l.weight, bias: prefix + l.bias }));
  }

  /** z = tanh(MLP(obs)). */
  encode(obs: string): { hidden: string[]; z: string } {
    const { hidden, out } = forwardMlp(this.o, this.layers('encoder'), obs);
    return { hidden, z: this.o.op('Tanh', [out]) };
  }

  concat(a: string, b: string): string {
    return this.o.op('Concat', [a, b], { axis: { i: 1 } });
  }

  /** Columns [from, to) of a [B, n] value. */
  columns(x: string, from: number, to: number): string {
    const k = this.counter++;
    const g = this.o.g;
    return this.o.op('Slice', [x, g.int64s(`cols_from_${k}`, [from]), g.int64s(`cols_to_${k}`, [to]), g.int64s(`cols_axis_${k}`, [1])]);
  }

  /** [T, B, n] → [T·B, n], rows step-major. */
  rows(x: string, n: number): string {
    return this.o.op('Reshape', [x, this.o.g.int64s(`rows_${this.counter++}`, [-1, n])]);
  }

  /** [T·B, n] rows, step-major → [T, B, n]. */
  unrows(x: string, steps: number, n: number): string {
    return this.o.op('Reshape', [x, this.o.g.int64s(`unrows_${this.counter++}`, [steps, -1, n])]);
  }

  /** Step t of a [T, B, n] value: [B, n]. */
  step(x: string, t: number): string {
    // A scalar index: Gather drops the axis.
    return this.o.op('Gather', [x, this.o.g.constant(`step_${this.counter++}`, BigInt64Array.of(BigInt(t)), [])], { axis: { i: 0 } });
  }

  /** A [T·B, 1] column holding weights[t] on the B rows of step t, for a [T, B, n] value `like`. */
  rowWeights(like: string, weights: number[]): string {
    const o = this.o;
    const k = this.counter++;
    const w = o.g.constant(`row_weights_${k}`, o.dtype === 'float64' ? Float64Array.from(weights) : Float32Array.from(weights), [weights.length, 1, 1]);
    const batch = o.op('Slice', [o.op('Shape', [like]), o.g.int64s(`rw_from_${k}`, [1]), o.g.int64s(`rw_to_${k}`, [2])]);
    const shape = o.op('Concat', [o.g.int64s(`rw_t_${k}`, [weights.length]), batch, o.g.int64s(`rw_one_${k}`, [1])], { axis: { i: 0 } });
    return this.rows(o.op('Expand', [w, shape]), 1);
  }

  /** The policy head: pre-squash mean μ and log σ (bounded), with the unbounded s for the backward pass. */
  policy(z: string): { hidden: string[]; mu: string; s: string; logStd: string } {
    const A = this.spec.actionDim;
    const o = this.o;
    const { hidden, out } = forwardMlp(o, this.layers('policy'), z);
    const mu = this.columns(out, 0, A);
    const s = this.columns(out, A, 2 * A);
    const logStd = o.add(o.k(LOG_STD_MIN), o.mul(o.k(0.5 * (LOG_STD_MAX - LOG_STD_MIN)), o.add(o.op('Tanh', [s]), o.k(1))));
    return { hidden, mu, s, logStd };
  }
}

export interface WorldModelGraphOptions {
  /** Steps H of the latent rollout the losses run over (TD-MPC2: 3). */
  horizon?: number;
  /** Weight ρᵗ of rollout step t (TD-MPC2: 0.5). */
  rho?: number;
  dtype?: FloatType;
  emitGradients?: boolean;
}

export function worldModelStepGraph(spec: WorldModelNetSpec, options: WorldModelGraphOptions = {}): Uint8Array {
  const H = options.horizon ?? 1;
  const rho = options.rho ?? 0.5;
  if (!Number.isInteger(H) || H < 1) throw new Error(`world-model step graph: horizon must be a whole number ≥ 1, got ${H}`);
  const o = new GraphOps('world_model_step', options.dtype ?? 'float32');
  const w = new WorldModelGraph(o, spec);
  const { obsDim: D, actionDim: A, latentDim: L } = spec;
  const K = spec.qHeads;
  const obs = o.input('obs', [H + 1, 'batch', D]);
  const action = o.input('action', [H, 'batch', A]);
  const reward = w.rows(o.input('reward', [H, 'batch', 1]), 1);
  const notDone = w.rows(o.input('not_done', [H, 'batch', 1]), 1);
  const policyNoise = w.rows(o.input('policy_noise', [H + 1, 'batch', A]), A);
  const nextNoise = w.rows(o.input('next_noise', [H, 'batch', A]), A);
  const s = Object.fromEntries(WORLD_MODEL_SCALARS.map((n) => [n, o.input(n, [])])) as Record<(typeof WORLD_MODEL_SCALARS)[number], string>;
  for (const p of worldModelParameterShapes(spec)) {
    o.input(p.name, p.dims);
    o.input(`${p.name}.m`, p.dims);
    o.input(`${p.name}.v`, p.dims);
  }
  for (const p of parameterShapesOf(spec, qNets(spec))) o.input(`target.${p.name}`, p.dims);
  const obs0 = w.step(obs, 0);
  const invB = inverseBatch(o, obs0);
  const one = o.k(1);
  const two = o.k(2);
  const square1m = (t: string) => o.sub(one, o.square(t)); // 1 − t², tanh′ from tanh's output
  const rhoT = (steps: number) => Array.from({ length: steps }, (_, t) => rho ** t);
  /** Per-row loss weights: ρᵗ/H on the H·B rows of the model losses, ρᵗ/(H + 1) on the policy's (H + 1)·B. */
  const modelWeight = w.rowWeights(action, rhoT(H).map((x) => x / H));
  const policyWeight = w.rowWeights(obs, rhoT(H + 1).map((x) => x / (H + 1)));

  // ── targets (no gradient): z⁺_t = h(o_{t+1}),  y_t = r_t + γ(1 − done_t)·min_k Q̄_k(z⁺_t, a⁺_t) ────
  const zNext = w.encode(w.rows(o.op('Slice', [obs, o.g.int64s('next_from', [1]), o.g.int64s('next_to', [H + 1]), o.g.int64s('next_axis', [0])]), D)).z;
  const zNextSteps = w.unrows(zNext, H, L);
  const piNext = w.policy(zNext);
  const aNext = o.op('Tanh', [o.add(piNext.mu, o.mul(o.exp(piNext.logStd), nextNoise))]);
  const zaNext = w.concat(zNext, aNext);
  let qTargetMin = '';
  for (const net of qNets(spec)) {
    const q = forwardMlp(o, w.layers(net, 'target.'), zaNext).out;
    qTargetMin = qTargetMin ? o.min(qTargetMin, q) : q;
  }
  const target = o.add(reward, o.mul(o.mul(s.discount, notDone), qTargetMin));

  // ── latent rollout: z_0 = h(o_0), z_{t+1} = d(z_t, a_t) ───────────────────────────────────────
  const enc = w.encode(obs0);
  const zs = [enc.z];
  const dyn: { za: string; hidden: string[] }[] = [];
  let consistencySum = '';
  const zErrors: string[] = [];
  for (let t = 0; t < H; t++) {
    const za = w.concat(zs[t]!, w.step(action, t));
    const d = forwardMlp(o, w.layers('dynamics'), za);
    dyn.push({ za, hidden: d.hidden });
    const z = o.op('Tanh', [d.out]);
    zs.push(z);
    const err = o.sub(z, w.step(zNextSteps, t));
    zErrors.push(err);
    const term = o.mul(o.k(rho ** t / H), o.mean(o.square(err)));
    consistencySum = consistencySum ? o.add(consistencySum, term) : term;
  }
  const consistency = o.mul(s.consistency_coef, consistencySum);
  // Reward and Q heads on z_0 … z_{H−1} at once: [H·B, L + A] rows, step-major.
  const za = w.concat(o.op('Concat', zs.slice(0, H), { axis: { i: 0 } }), w.rows(action, A));
  const rew = forwardMlp(o, w.layers('reward'), za);
  const rError = o.sub(rew.out, reward);
  const modelWeightB = o.mul(modelWeight, invB); // ρᵗ/(H·B)
  const rewardLoss = o.mul(s.reward_coef, o.sum(o.mul(modelWeightB, o.square(rError))));
  const qs = qNets(spec).map((net) => ({ net, ...forwardMlp(o, w.layers(net), za) }));
  let valueSum = '';
  for (const q of qs) {
    const sq = o.sum(o.mul(modelWeightB, o.square(o.sub(q.out, target))));
    valueSum = valueSum ? o.add(valueSum, sq) : sq;
  }
  const valueLoss = o.mul(o.mul(s.value_coef, o.k(1 / K)), valueSum);

  // ── policy loss, on sg(z_0 … z_H) ─────────────────────────────────────────────────────────────
  const zd = o.op('Concat', zs, { axis: { i: 0 } }); // sg(z): the backward pass below stops at the policy's input
  const rowB = o.mul(policyWeight, invB); // the policy loss's weight of each row, ρᵗ/((H + 1)·B)
  const pi = w.policy(zd);
  const std = o.exp(pi.logStd);
  const aPi = o.op('Tanh', [o.add(pi.mu, o.mul(std, policyNoise))]);
  const slope = square1m(aPi); // da/du
  // log π(a) = Σ_j (−½ε² − log σ − ½ log 2π − log(1 − a² + δ))
  const logPi = o.sum(o.sub(o.sub(o.neg(o.mul(o.k(0.5), o.square(policyNoise))), o.add(pi.logStd, o.k(HALF_LOG_2PI))), o.op('Log', [o.add(slope, o.k(SQUASH_EPS))])), [1], true);
  const zaPi = w.concat(zd, aPi);
  const qPi = qs.map((q) => ({ net: q.net, ...forwardMlp(o, w.layers(q.net), zaPi) }));
  let qPiSum = '';
  for (const q of qPi) qPiSum = qPiSum ? o.add(qPiSum, q.out) : q.out;
  const qPiMean = o.mul(qPiSum, o.k(1 / K));
  const policyLoss = o.sum(o.mul(rowB, o.sub(o.mul(s.entropy_coef, logPi), o.div(qPiMean, s.q_scale))));

  // ── backward: model ───────────────────────────────────────────────────────────────────────────
  const grads = new Map<string, string>();
  // Heads: L_r = c_r/B Σ w·(R − r)²,  L_q = c_q/(B·K) Σ_k Σ w·(Q_k − y)²
  let dZa = backwardMlp(o, w.layers('reward'), za, rew.hidden, o.mul(o.mul(two, s.reward_coef), o.mul(modelWeightB, rError)), grads, true);
  for (const q of qs) {
    const dQ = o.mul(o.mul(two, o.mul(s.value_coef, o.k(1 / K))), o.mul(modelWeightB, o.sub(q.out, target)));
    dZa = o.add(dZa, backwardMlp(o, w.layers(q.net), za, q.hidden, dQ, grads, true));
  }
  const dZHeads = w.unrows(w.columns(dZa, 0, L), H, L);
  // L_c = c_c/H Σ_t ρᵗ/(B·L) Σ (z_{t+1} − z⁺_t)²: its gradient at z_{t+1}
  const dZConsistency = (t: number) => o.mul(o.mul(two, o.mul(s.consistency_coef, o.mul(invB, o.k(rho ** t / (H * L))))), zErrors[t]!);
  // Back through the rollout: dL/dz_t gathers the heads at t, the consistency at t (t ≥ 1) and d(z_t, a_t)'s input gradient.
  let dZ = dZConsistency(H - 1);
  for (let t = H - 1; t >= 0; t--) {
    const stepGrads = new Map<string, string>();
    const dZaT = backwardMlp(o, w.layers('dynamics'), dyn[t]!.za, dyn[t]!.hidden, o.mul(dZ, square1m(zs[t + 1]!)), stepGrads, true);
    for (const [name, g] of stepGrads) grads.set(name, grads.has(name) ? o.add(grads.get(name)!, g) : g);
    dZ = o.add(w.columns(dZaT, 0, L), w.step(dZHeads, t));
    if (t > 0) dZ = o.add(dZ, dZConsistency(t - 1));
  }
  backwardMlp(o, w.layers('encoder'), obs0, enc.hidden, o.mul(dZ, square1m(enc.z)), grads);

  // ── backward: policy (through the Q heads into a_π; their weights get nothing from L_π) ──────
  const dQPi = o.neg(o.div(o.mul(rowB, o.k(1 / K)), s.q_scale));
  let dZaPi = '';
  for (const q of qPi) {
    const d = backwardMlp(o, w.layers(q.net), zaPi, q.hidden, dQPi, undefined, true);
    dZaPi = dZaPi ? o.add(dZaPi, d) : d;
  }
  const alphaW = o.mul(s.entropy_coef, rowB);
  // dL/du = dL/da·(1 − a²) + α·w·2a(1 − a²)/(1 − a² + δ)      (u = μ + σε; the second term is the squash correction)
  const dU = o.add(o.mul(w.columns(dZaPi, L, L + A), slope), o.mul(alphaW, o.div(o.mul(two, o.mul(aPi, slope)), o.add(slope, o.k(SQUASH_EPS)))));
  // dL/dlog σ = dL/du·σε − α·w;  dlog σ/ds = ½(max − min)(1 − tanh² s)
  const dLogStd = o.sub(o.mul(dU, o.mul(std, policyNoise)), alphaW);
  const dS = o.mul(dLogStd, o.mul(o.k(0.5 * (LOG_STD_MAX - LOG_STD_MIN)), square1m(o.op('Tanh', [pi.s]))));
  const policyGrads = new Map<string, string>();
  backwardMlp(o, w.layers('policy'), zd, pi.hidden, o.op('Concat', [dU, dS], { axis: { i: 1 } }), policyGrads);

  // ── two clipped Adam steps ────────────────────────────────────────────────────────────────────
  const adam: AdamInputs = { step_size: s.step_size, inv_sqrt_bias2: s.inv_sqrt_bias2, max_grad_norm: s.max_grad_norm };
  const gradNorm = clippedAdamStep(o, parameterShapesOf(spec, modelNets(spec)), grads, adam, options.emitGradients);
  const policyGradNorm = clippedAdamStep(o, parameterShapesOf(spec, ['policy']), policyGrads, adam, options.emitGradients);

  const stats: Record<WorldModelStat, string> = {
    consistency_loss: consistency,
    reward_loss: rewardLoss,
    value_loss: valueLoss,
    policy_loss: policyLoss,
    entropy: o.neg(o.mean(logPi)),
    q_mean: o.mean(qPiMean),
    grad_norm: gradNorm,
    policy_grad_norm: policyGradNorm,
  };
  for (const name of WORLD_MODEL_STATS) o.output(stats[name], name, []);
  return o.g.toBytes({ docString: `TD-MPC2 world-model training step, horizon ${H}, latent ${L}, hidden ${spec.hidden.join('→')}, ${K} Q heads` });
}

/** Acting: z = h(obs) and a = tanh(μ(z) + σ(z)·noise), parameters as inputs (noise 0: the prior's mean action). */
export function worldModelActGraph(spec: WorldModelNetSpec): Uint8Array {
  const o = new GraphOps('world_model_act', 'float32');
  const w = new WorldModelGraph(o, spec);
  const obs = o.input('obs', ['batch', spec.obsDim]);
  const noise = o.input('noise', ['batch', spec.actionDim]);
  for (const p of parameterShapesOf(spec, ['encoder', 'policy'])) o.input(p.name, p.dims);
  const pi = w.policy(w.encode(obs).z);
  o.output(o.op('Tanh', [o.add(pi.mu, o.mul(o.exp(pi.logStd), noise))]), 'action', ['batch', spec.actionDim]);
  return o.g.toBytes();
}
