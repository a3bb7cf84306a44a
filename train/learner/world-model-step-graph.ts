/**
 * One ONNX graph holding a whole TD-MPC2 training step (Hansen et al. 2024, `TDMPC2._update`) for the
 * networks of train/world-model/world-model-net.ts, over a one-step horizon (H = 1: TD-MPC2 unrolls
 * the dynamics H = 3 steps; here each transition is its own one-step rollout):
 *
 *   z = h(o),  z⁺ = sg(h(o'))                                        (online encoder, gradient stopped)
 *   y = r + γ·(1 − done)·min_k Q̄_k(z⁺, a⁺),  a⁺ ~ π(z⁺)              (Q̄: the EMA target heads)
 *   L_model = c_c·mean‖d(z, a) − z⁺‖² + c_r·mean(R(z, a) − r)² + c_q·mean_k (Q_k(z, a) − y)²
 *   L_π = mean(α·log π(a_π | sg z) − mean_k Q_k(sg z, a_π) / q_scale),  a_π = tanh(μ + σ·ε)
 *
 * L_model trains encoder, dynamics, reward and Q; L_π trains the policy alone (its gradient passes
 * through the Q heads into the action without changing them), each group with its own grad-norm clip
 * and Adam step, as TD-MPC2's two optimisers. Backward passes are derived by hand (mlp-graph.ts).
 *
 * Inputs (B transitions): obs [B,D], action [B,A] (in [−1, 1]), reward [B,1], next_obs [B,D],
 * not_done [B,1], policy_noise [B,A] and next_noise [B,A] (ε ~ N(0, 1) for a_π and a⁺).
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
export const WORLD_MODEL_BATCH = ['obs', 'action', 'reward', 'next_obs', 'not_done', 'policy_noise', 'next_noise'] as const;
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
  dtype?: FloatType;
  emitGradients?: boolean;
}

export function worldModelStepGraph(spec: WorldModelNetSpec, options: WorldModelGraphOptions = {}): Uint8Array {
  const o = new GraphOps('world_model_step', options.dtype ?? 'float32');
  const w = new WorldModelGraph(o, spec);
  const { obsDim: D, actionDim: A, latentDim: L } = spec;
  const K = spec.qHeads;
  const obs = o.input('obs', ['batch', D]);
  const action = o.input('action', ['batch', A]);
  const reward = o.input('reward', ['batch', 1]);
  const nextObs = o.input('next_obs', ['batch', D]);
  const notDone = o.input('not_done', ['batch', 1]);
  const policyNoise = o.input('policy_noise', ['batch', A]);
  const nextNoise = o.input('next_noise', ['batch', A]);
  const s = Object.fromEntries(WORLD_MODEL_SCALARS.map((n) => [n, o.input(n, [])])) as Record<(typeof WORLD_MODEL_SCALARS)[number], string>;
  for (const p of worldModelParameterShapes(spec)) {
    o.input(p.name, p.dims);
    o.input(`${p.name}.m`, p.dims);
    o.input(`${p.name}.v`, p.dims);
  }
  for (const p of parameterShapesOf(spec, qNets(spec))) o.input(`target.${p.name}`, p.dims);
  const invB = inverseBatch(o, obs);
  const one = o.k(1);
  const two = o.k(2);
  const square1m = (t: string) => o.sub(one, o.square(t)); // 1 − t², tanh′ from tanh's output

  // ── TD target (no gradient): y = r + γ(1 − done)·min_k Q̄_k(z⁺, a⁺) ─────────────────────────────
  const zNext = w.encode(nextObs).z;
  const piNext = w.policy(zNext);
  const aNext = o.op('Tanh', [o.add(piNext.mu, o.mul(o.exp(piNext.logStd), nextNoise))]);
  const zaNext = w.concat(zNext, aNext);
  let qTargetMin = '';
  for (const net of qNets(spec)) {
    const q = forwardMlp(o, w.layers(net, 'target.'), zaNext).out;
    qTargetMin = qTargetMin ? o.min(qTargetMin, q) : q;
  }
  const target = o.add(reward, o.mul(o.mul(s.discount, notDone), qTargetMin));

  // ── model losses ──────────────────────────────────────────────────────────────────────────────
  const enc = w.encode(obs);
  const za = w.concat(enc.z, action);
  const dyn = forwardMlp(o, w.layers('dynamics'), za);
  const zPred = o.op('Tanh', [dyn.out]);
  const zError = o.sub(zPred, zNext);
  const consistency = o.mul(s.consistency_coef, o.mean(o.square(zError)));
  const rew = forwardMlp(o, w.layers('reward'), za);
  const rError = o.sub(rew.out, reward);
  const rewardLoss = o.mul(s.reward_coef, o.mean(o.square(rError)));
  const qs = qNets(spec).map((net) => ({ net, ...forwardMlp(o, w.layers(net), za) }));
  let valueSum = '';
  for (const q of qs) {
    const sq = o.mean(o.square(o.sub(q.out, target)));
    valueSum = valueSum ? o.add(valueSum, sq) : sq;
  }
  const valueLoss = o.mul(o.mul(s.value_coef, o.k(1 / K)), valueSum);

  // ── policy loss, on sg(z) ─────────────────────────────────────────────────────────────────────
  const zd = enc.z; // sg(z): the backward pass below stops at the policy's input
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
  const policyLoss = o.mean(o.sub(o.mul(s.entropy_coef, logPi), o.div(qPiMean, s.q_scale)));

  // ── backward: model ───────────────────────────────────────────────────────────────────────────
  const grads = new Map<string, string>();
  // L_c = c_c/(B·L) Σ (ẑ − z⁺)²,  ẑ = tanh(pre):  dL/dpre = 2c_c/(B·L)·(ẑ − z⁺)·(1 − ẑ²)
  const dZPred = o.mul(o.mul(o.mul(two, o.mul(s.consistency_coef, o.mul(invB, o.k(1 / L)))), zError), square1m(zPred));
  let dZa = backwardMlp(o, w.layers('dynamics'), za, dyn.hidden, dZPred, grads, true);
  dZa = o.add(dZa, backwardMlp(o, w.layers('reward'), za, rew.hidden, o.mul(o.mul(two, o.mul(s.reward_coef, invB)), rError), grads, true));
  for (const q of qs) {
    const dQ = o.mul(o.mul(two, o.mul(s.value_coef, o.mul(invB, o.k(1 / K)))), o.sub(q.out, target));
    dZa = o.add(dZa, backwardMlp(o, w.layers(q.net), za, q.hidden, dQ, grads, true));
  }
  const dZ = o.mul(w.columns(dZa, 0, L), square1m(enc.z));
  backwardMlp(o, w.layers('encoder'), obs, enc.hidden, dZ, grads);

  // ── backward: policy (through the Q heads into a_π; their weights get nothing from L_π) ──────
  const dQPi = o.neg(o.div(o.mul(invB, o.k(1 / K)), s.q_scale));
  let dZaPi = '';
  for (const q of qPi) {
    const d = backwardMlp(o, w.layers(q.net), zaPi, q.hidden, o.op('Expand', [dQPi, o.op('Shape', [q.out])]), undefined, true);
    dZaPi = dZaPi ? o.add(dZaPi, d) : d;
  }
  const alphaB = o.mul(s.entropy_coef, invB);
  // dL/du = dL/da·(1 − a²) + α/B·2a(1 − a²)/(1 − a² + δ)      (u = μ + σε; the second term is the squash correction)
  const dU = o.add(o.mul(w.columns(dZaPi, L, L + A), slope), o.mul(alphaB, o.div(o.mul(two, o.mul(aPi, slope)), o.add(slope, o.k(SQUASH_EPS)))));
  // dL/dlog σ = dL/du·σε − α/B;  dlog σ/ds = ½(max − min)(1 − tanh² s)
  const dLogStd = o.sub(o.mul(dU, o.mul(std, policyNoise)), alphaB);
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
  return o.g.toBytes({ docString: `TD-MPC2 world-model training step, latent ${L}, hidden ${spec.hidden.join('→')}, ${K} Q heads` });
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
