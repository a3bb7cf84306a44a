/**
 * One ONNX graph holding a whole diffusion training step for the denoiser of train/diffusion/denoiser.ts
 * (Diffusion Policy's DDPM objective with ε-prediction): forward pass, the noise-prediction MSE
 *   L = mean over batch and chunk entries of (ε̂(x_t, t, obs) − ε)²,
 * its backward pass derived by hand, global grad-norm clipping and an Adam update.
 *
 * Inputs per minibatch (B samples): noisy_chunk [B, horizon·actionDim] (x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε,
 * formed by the caller), noise [B, horizon·actionDim] (ε), condition [B, obsHorizon·obsDim],
 * timestep [B, 1] (as a float). Scalars ([]): step_size, inv_sqrt_bias2, max_grad_norm (mlp-graph.ts).
 * For every parameter p: p, p.m, p.v. Outputs: p.next, p.m.next, p.v.next, loss, grad_norm, and with
 * `emitGradients` grad.p (the unclipped gradient), for the gradient check.
 */
import { chunkSize, conditionSize, denoiserBackward, denoiserContext, denoiserForward, denoiserLayers, denoiserParameterShapes, type DenoiserSpec } from '../diffusion/denoiser.ts';
import { GraphOps, type FloatType } from './graph-ops.ts';
import { clippedAdamStep, type AdamInputs } from './mlp-graph.ts';

export const DENOISER_STEP_SCALARS = ['step_size', 'inv_sqrt_bias2', 'max_grad_norm'] as const;

export interface DenoiserGraphOptions {
  dtype?: FloatType;
  emitGradients?: boolean;
}

/** The graph's inputs and the network's forward pass, shared by the step graph and the forward graph. */
function forward(o: GraphOps, spec: DenoiserSpec): ReturnType<typeof denoiserForward> {
  const noisy = o.input('noisy_chunk', ['batch', chunkSize(spec)]);
  const condition = o.input('condition', ['batch', conditionSize(spec)]);
  const timestep = o.input('timestep', ['batch', 1]);
  for (const p of denoiserParameterShapes(spec)) o.input(p.name, p.dims);
  return denoiserForward(o, spec, noisy, denoiserContext(o, spec, condition, timestep));
}

export function denoiserStepGraph(spec: DenoiserSpec, options: DenoiserGraphOptions = {}): Uint8Array {
  const o = new GraphOps('denoiser_step', options.dtype ?? 'float32');
  const net = forward(o, spec);
  const noise = o.input('noise', ['batch', chunkSize(spec)]);
  const s = Object.fromEntries(DENOISER_STEP_SCALARS.map((n) => [n, o.input(n, [])])) as unknown as AdamInputs;
  const params = denoiserParameterShapes(spec);
  for (const p of params) {
    o.input(`${p.name}.m`, p.dims);
    o.input(`${p.name}.v`, p.dims);
  }
  const error = o.sub(net.out, noise);
  const loss = o.op('ReduceMean', [o.square(error)], { keepdims: { i: 0 } });
  // dL/dε̂ = 2 (ε̂ − ε) / (B · chunk): the element count from the error's own shape.
  const count = o.op('Cast', [o.op('Size', [error])], { to: { i: o.dtype === 'float64' ? 11 : 1 } });
  const dOut = o.div(o.mul(o.k(2), error), count);
  const grads = new Map<string, string>();
  denoiserBackward(o, spec, net, dOut, grads);
  const gradNorm = clippedAdamStep(o, params, grads, s, options.emitGradients);
  o.output(loss, 'loss', []);
  o.output(gradNorm, 'grad_norm', []);
  return o.g.toBytes({ docString: `Diffusion denoiser training step, MLP ${denoiserLayers(spec).map((l) => l.inSize).join('→')}→${chunkSize(spec)}` });
}

/** The forward pass alone, parameters as inputs: the learner's ε̂ (export parity, evaluation). */
export function denoiserForwardGraph(spec: DenoiserSpec, dtype: FloatType = 'float32'): Uint8Array {
  const o = new GraphOps('denoiser_forward', dtype);
  o.output(forward(o, spec).out, 'noise_pred', ['batch', chunkSize(spec)]);
  return o.g.toBytes();
}
