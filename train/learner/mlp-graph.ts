/**
 * The pieces every training-step graph shares, written once: a dense ELU network's forward pass (keeping
 * the hidden outputs), its hand-derived backward pass, and global grad-norm clipping followed by an
 * Adam update that emits the next parameters and moments. ppo-step-graph.ts builds its loss around
 * them; denoiser-step-graph.ts uses the clipped Adam step (its network feeds a context to every layer).
 */
import type { LayerShape } from '../actor-critic.ts';
import type { GraphOps } from './graph-ops.ts';

export const ADAM = { beta1: 0.9, beta2: 0.999, eps: 1e-8 };

/** Adam's per-step scalars as graph inputs: step_size = lr / (1 − β1ᵗ), inv_sqrt_bias2 = 1 / √(1 − β2ᵗ). */
export interface AdamInputs {
  step_size: string;
  inv_sqrt_bias2: string;
  max_grad_norm: string;
}

/** Forward pass: ELU on every layer but the last; returns the hidden outputs (post-ELU) and the linear output. */
export function forwardMlp(o: GraphOps, layers: LayerShape[], x: string): { hidden: string[]; out: string } {
  const hidden: string[] = [];
  let h = x;
  layers.forEach((l, i) => {
    const pre = o.gemm(h, l.weight, { c: l.bias });
    if (i + 1 < layers.length) {
      h = o.elu(pre);
      hidden.push(h);
    } else h = pre;
  });
  return { hidden, out: h };
}

/**
 * Backward pass from dL/d(out): sets dL/dW and dL/db per layer in `grads` (skipped when `grads` is
 * undefined: a loss that must not train these weights, only pass through them). Returns dL/dx when
 * `inputGradient` is set (a loss reaching the input: an encoder, an action), else ''.
 */
export function backwardMlp(o: GraphOps, layers: LayerShape[], x: string, hidden: string[], dOut: string, grads: Map<string, string> | undefined, inputGradient = false): string {
  let dy = dOut;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    const input = i === 0 ? x : hidden[i - 1]!;
    // y = x·W + b:  dW = xᵀ·dy,  db = Σ_batch dy,  dx = dy·Wᵀ
    grads?.set(l.weight, o.gemm(input, dy, { transA: true }));
    grads?.set(l.bias, o.sum(dy, [0]));
    if (i > 0) dy = o.mul(o.gemm(dy, l.weight, { transB: true }), o.eluGradFromOutput(hidden[i - 1]!));
    else if (inputGradient) return o.gemm(dy, l.weight, { transB: true });
  }
  return '';
}

/**
 * Clips the gradient's global norm (torch.nn.utils.clip_grad_norm_) and takes a torch.optim.Adam step.
 * Outputs p.next, p.m.next, p.v.next for every parameter (inputs p, p.m, p.v), and grad.p (unclipped)
 * with `emitGradients`. Returns the gradient norm before clipping.
 */
export function clippedAdamStep(o: GraphOps, params: { name: string; dims: number[] }[], grads: Map<string, string>, s: AdamInputs, emitGradients = false): string {
  let total = '';
  for (const p of params) {
    const sq = o.sumSquares(grads.get(p.name)!);
    total = total ? o.add(total, sq) : sq;
  }
  const gradNorm = o.sqrt(total);
  // scale = min(1, max_norm / (‖g‖ + 1e−6))
  const scale = o.min(o.k(1), o.div(s.max_grad_norm, o.add(gradNorm, o.k(1e-6))));
  for (const p of params) {
    const g = o.mul(grads.get(p.name)!, scale);
    const m = o.add(o.mul(o.k(ADAM.beta1), `${p.name}.m`), o.mul(o.k(1 - ADAM.beta1), g));
    const v = o.add(o.mul(o.k(ADAM.beta2), `${p.name}.v`), o.mul(o.k(1 - ADAM.beta2), o.square(g)));
    // p ← p − lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + ε)
    const next = o.sub(p.name, o.div(o.mul(s.step_size, m), o.add(o.mul(o.sqrt(v), s.inv_sqrt_bias2), o.k(ADAM.eps))));
    o.output(next, `${p.name}.next`, p.dims);
    o.output(m, `${p.name}.m.next`, p.dims);
    o.output(v, `${p.name}.v.next`, p.dims);
    if (emitGradients) o.output(grads.get(p.name)!, `grad.${p.name}`, p.dims);
  }
  return gradNorm;
}

/** Adam's step scalars for step t (1-based) at learning rate lr. */
export function adamScalars(lr: number, t: number): { stepSize: number; invSqrtBias2: number } {
  return { stepSize: lr / (1 - ADAM.beta1 ** t), invSqrtBias2: 1 / Math.sqrt(1 - ADAM.beta2 ** t) };
}

/** 1/B from the first dimension of `x`, in the graph's float type (so a graph takes any batch size). */
export function inverseBatch(o: GraphOps, x: string): string {
  const batch = o.op('Gather', [o.op('Shape', [x]), o.g.int64s(`zero_${x}`, [0])], { axis: { i: 0 } });
  return o.op('Reciprocal', [o.op('Cast', [batch], { to: { i: o.dtype === 'float64' ? 11 : 1 } })]);
}
