/**
 * One ONNX graph holding a whole PPO training step for the MLP actor-critic of actor-critic.ts:
 * forward pass, the PPO loss (rsl_rl's clipped surrogate, clipped value loss and entropy bonus), its
 * backward pass derived by hand, global grad-norm clipping and an Adam update. ONNX Runtime runs it on
 * its CPU kernels (or, unchanged, on CUDA/WebGPU); parameters and Adam moments go in and come out on
 * every call, since onnxruntime-node has no IO binding.
 *
 * Inputs per minibatch (B samples, D observations, A actions):
 *   obs [B,D] (already normalised), actions [B,A], old_log_prob [B,1], advantages [B,1], returns [B,1],
 *   old_values [B,1], old_mu [B,A], old_log_std [A]
 * Scalars ([]): step_size = lr / (1 − β1ᵗ), inv_sqrt_bias2 = 1 / √(1 − β2ᵗ), clip_param,
 *   value_coef, entropy_coef, max_grad_norm
 * For every parameter p: p, p.m, p.v. Outputs: p.next, p.m.next, p.v.next, and the statistics
 *   surrogate_loss, value_loss, entropy, kl, clip_fraction, grad_norm.
 * With `emitGradients`, also grad.p (the unclipped gradient), for the gradient check.
 */
import { layerShapes, LOG_STD, parameterShapes, type ActorCriticSpec } from '../actor-critic.ts';
import { GraphOps, type FloatType } from './graph-ops.ts';
import { backwardMlp, clippedAdamStep, forwardMlp, inverseBatch } from './mlp-graph.ts';

export { ADAM } from './mlp-graph.ts';

export const STEP_SCALARS = ['step_size', 'inv_sqrt_bias2', 'clip_param', 'value_coef', 'entropy_coef', 'max_grad_norm'] as const;
export const BATCH_INPUTS = ['obs', 'actions', 'old_log_prob', 'advantages', 'returns', 'old_values', 'old_mu'] as const;
export const STEP_STATS = ['surrogate_loss', 'value_loss', 'entropy', 'kl', 'clip_fraction', 'grad_norm'] as const;
export type StepStat = (typeof STEP_STATS)[number];

export interface StepGraphOptions {
  dtype?: FloatType;
  emitGradients?: boolean;
}

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

function forwardHead(o: GraphOps, spec: ActorCriticSpec, head: 'actor' | 'critic', x: string): { hidden: string[]; out: string } {
  return forwardMlp(o, layerShapes(spec, head), x);
}

export function ppoStepGraph(spec: ActorCriticSpec, options: StepGraphOptions = {}): Uint8Array {
  const dtype = options.dtype ?? 'float32';
  const o = new GraphOps('ppo_step', dtype);
  const A = spec.actionDim;
  const obs = o.input('obs', ['batch', spec.obsDim]);
  const actions = o.input('actions', ['batch', A]);
  const oldLogProb = o.input('old_log_prob', ['batch', 1]);
  const adv = o.input('advantages', ['batch', 1]);
  const returns = o.input('returns', ['batch', 1]);
  const oldValues = o.input('old_values', ['batch', 1]);
  const oldMu = o.input('old_mu', ['batch', A]);
  const oldLogStd = o.input('old_log_std', [A]);
  const s = Object.fromEntries(STEP_SCALARS.map((n) => [n, o.input(n, [])])) as Record<(typeof STEP_SCALARS)[number], string>;
  const params = parameterShapes(spec);
  for (const p of params) {
    o.input(p.name, p.dims);
    o.input(`${p.name}.m`, p.dims);
    o.input(`${p.name}.v`, p.dims);
  }
  // 1/B from the batch's shape, so the graph takes any minibatch size.
  const invB = inverseBatch(o, obs);
  const one = o.k(1);
  const clip = s.clip_param;

  // ── forward ────────────────────────────────────────────────────────────────────────────────
  const actor = forwardHead(o, spec, 'actor', obs);
  const critic = forwardHead(o, spec, 'critic', obs);
  const mu = actor.out;
  const value = critic.out;
  const std = o.exp(LOG_STD);
  // log π(a|s) = −½ Σ zᵢ² − Σ log σᵢ − (A/2) log 2π,  z = (a − μ)/σ
  const z = o.div(o.sub(actions, mu), std);
  const z2 = o.square(z);
  const logProb = o.sub(o.neg(o.mul(o.k(0.5), o.sum(z2, [1], true))), o.add(o.sum(LOG_STD), o.k(A * HALF_LOG_2PI)));
  const ratio = o.exp(o.sub(logProb, oldLogProb));
  // Clipped surrogate: L = −mean(min(r·Â, clip(r, 1−ε, 1+ε)·Â))
  const surr1 = o.mul(ratio, adv);
  const surr2 = o.mul(o.clamp(ratio, o.sub(one, clip), o.add(one, clip)), adv);
  const surrogateLoss = o.neg(o.mean(o.min(surr1, surr2)));
  // Clipped value loss: mean(max((V − R)², (V_old + clip(V − V_old, −ε, ε) − R)²))
  const dV = o.sub(value, oldValues);
  const vClipped = o.add(oldValues, o.clamp(dV, o.neg(clip), clip));
  const e1 = o.square(o.sub(value, returns));
  const e2 = o.square(o.sub(vClipped, returns));
  const valueLoss = o.mean(o.max(e1, e2));
  // Entropy of a diagonal Gaussian: Σ (log σᵢ + ½ log 2πe), the same for every sample.
  const entropy = o.add(o.sum(LOG_STD), o.k(A * (0.5 + HALF_LOG_2PI)));

  // ── backward ───────────────────────────────────────────────────────────────────────────────
  // dL/dr = −Â/B where the unclipped term is the minimum (if the clipped one is strictly smaller, r is
  // outside [1−ε, 1+ε] and clip(r) has zero slope).
  const unclippedChosen = o.indicator('GreaterOrEqual', surr2, surr1);
  const dRatio = o.mul(o.neg(o.mul(adv, invB)), unclippedChosen);
  const dLogProb = o.mul(dRatio, ratio); // dr/dlogπ = r
  // dlogπ/dμ = z/σ;  dlogπ/dlog σ = z² − 1
  const dMu = o.mul(dLogProb, o.div(z, std));
  const dLogStd = o.sub(o.sum(o.mul(dLogProb, o.sub(z2, one)), [0]), s.entropy_coef);
  // dL/dV = c_v/B · (2(V − R) where e1 ≥ e2, else 2(V_clip − R)·[|V − V_old| < ε])
  const inside = o.indicator('Less', o.abs(dV), clip);
  const dValue = o.mul(
    o.where(o.op('GreaterOrEqual', [e1, e2]), o.mul(o.k(2), o.sub(value, returns)), o.mul(o.mul(o.k(2), o.sub(vClipped, returns)), inside)),
    o.mul(s.value_coef, invB),
  );
  const grads = new Map<string, string>();
  backwardMlp(o, layerShapes(spec, 'actor'), obs, actor.hidden, dMu, grads);
  backwardMlp(o, layerShapes(spec, 'critic'), obs, critic.hidden, dValue, grads);
  grads.set(LOG_STD, dLogStd);

  // ── grad-norm clip and Adam ────────────────────────────────────────────────────────────────
  const gradNorm = clippedAdamStep(o, params, grads, s, options.emitGradients);

  // ── statistics ─────────────────────────────────────────────────────────────────────────────
  // KL(old ‖ new) of the diagonal Gaussians, averaged over the batch (rsl_rl's adaptive-LR signal).
  const oldStd2 = o.exp(o.mul(o.k(2), oldLogStd));
  const klPerDim = o.sub(o.add(o.sub(LOG_STD, oldLogStd), o.div(o.add(oldStd2, o.square(o.sub(oldMu, mu))), o.mul(o.k(2), o.square(std)))), o.k(0.5));
  const kl = o.mean(o.sum(klPerDim, [1]));
  const clipFraction = o.mean(o.indicator('Greater', o.abs(o.sub(ratio, one)), clip));
  o.output(surrogateLoss, 'surrogate_loss', []);
  o.output(valueLoss, 'value_loss', []);
  o.output(entropy, 'entropy', []);
  o.output(kl, 'kl', []);
  o.output(clipFraction, 'clip_fraction', []);
  o.output(gradNorm, 'grad_norm', []);
  return o.g.toBytes({ docString: `PPO training step for actor ${spec.obsDim}→${spec.actorHidden.join('→')}→${A}, critic →${spec.criticHidden.join('→')}→1` });
}

/**
 * The acting graph: the same forward pass for a batch of observations, returning the policy mean and
 * the value (parameters as inputs, so the learner's current weights act without rebuilding a session).
 */
export function actGraph(spec: ActorCriticSpec): Uint8Array {
  const o = new GraphOps('act', 'float32');
  const obs = o.input('obs', ['batch', spec.obsDim]);
  for (const p of parameterShapes(spec)) if (p.name !== LOG_STD) o.input(p.name, p.dims);
  o.output(forwardHead(o, spec, 'actor', obs).out, 'mu', ['batch', spec.actionDim]);
  o.output(forwardHead(o, spec, 'critic', obs).out, 'value', ['batch', 1]);
  return o.g.toBytes();
}

/** Floating-point operations of one training sample (forward 2·MACs, backward ≈ 2× forward, minus the first layer's input gradient). */
export function stepFlopsPerSample(spec: ActorCriticSpec): number {
  let flops = 0;
  for (const head of ['actor', 'critic'] as const) {
    layerShapes(spec, head).forEach((l, i) => {
      const macs = l.inSize * l.outSize;
      flops += 2 * macs * (i === 0 ? 2 : 3);
    });
  }
  return flops;
}
