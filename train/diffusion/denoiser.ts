/**
 * The denoiser network description shared by the training-step graph (train/learner/denoiser-step-graph.ts)
 * and the export (train/export/denoiser-export.ts), so what is trained and what is exported cannot
 * drift apart: an MLP from the noisy action chunk (horizon × actionDim, flattened) to the noise ε̂ in it
 * (ELU hidden layers), every layer also fed the context [observation history (obsHorizon × obsDim),
 * sinusoidal timestep embedding] — as Diffusion Policy's 1-D conv U-Net conditions every block on them
 * (FiLM); fed only at the input, the observations' say in the output was too weak to imitate MPPI.
 *
 * Actions and observations enter normalized to [−1, 1] (min_max, as Diffusion Policy's LinearNormalizer);
 * the card carries the normalization and `diffusion-policy` applies it.
 */
import type { GraphOps } from '../learner/graph-ops.ts';
import type { Random } from '../../sim/random.ts';
import type { LayerShape, ParamTensor } from '../actor-critic.ts';

export interface DenoiserSpec {
  /** Actions per chunk (Diffusion Policy's horizon). */
  horizon: number;
  actionDim: number;
  /** Observation frames conditioning a chunk. */
  obsHorizon: number;
  obsDim: number;
  hidden: number[];
  /** Size of the sinusoidal timestep embedding (even). */
  timeEmbedDim: number;
}

export const DEFAULT_DENOISER_HIDDEN = [256, 256, 256];

export const chunkSize = (spec: DenoiserSpec): number => spec.horizon * spec.actionDim;
export const conditionSize = (spec: DenoiserSpec): number => spec.obsHorizon * spec.obsDim;

export const contextSize = (spec: DenoiserSpec): number => conditionSize(spec) + spec.timeEmbedDim;

/** The dense layers, input first: chunk → hidden … → chunk, each layer's input followed by the context. */
export function denoiserLayers(spec: DenoiserSpec): LayerShape[] {
  const sizes = [chunkSize(spec), ...spec.hidden, chunkSize(spec)];
  return sizes.slice(1).map((outSize, i) => ({ weight: `denoiser.${i}.weight`, bias: `denoiser.${i}.bias`, inSize: sizes[i]! + contextSize(spec), outSize }));
}

export function denoiserParameterShapes(spec: DenoiserSpec): { name: string; dims: number[] }[] {
  return denoiserLayers(spec).flatMap((l) => [{ name: l.weight, dims: [l.inSize, l.outSize] }, { name: l.bias, dims: [l.outSize] }]);
}

/** PyTorch's default dense initialisation: uniform ±1/√fan_in for weights and biases. */
export function initDenoiser(spec: DenoiserSpec, random: Random): ParamTensor[] {
  return denoiserLayers(spec).flatMap((l) => {
    const bound = 1 / Math.sqrt(l.inSize);
    const uniform = (count: number) => Float32Array.from({ length: count }, () => (2 * random.uniform() - 1) * bound);
    return [
      { name: l.weight, dims: [l.inSize, l.outSize], data: uniform(l.inSize * l.outSize) },
      { name: l.bias, dims: [l.outSize], data: uniform(l.outSize) },
    ];
  });
}

/** Frequencies of the embedding: exp(−ln(10000) · i / (half − 1)), i < half (Diffusion Policy's SinusoidalPosEmb). */
export function timeFrequencies(spec: DenoiserSpec): number[] {
  const half = spec.timeEmbedDim / 2;
  return Array.from({ length: half }, (_, i) => Math.exp((-Math.log(10000) * i) / Math.max(half - 1, 1)));
}

/** The context [B, condition + embedding] from the conditioning and the timestep as a float column [B, 1]: embedding = [sin(t·f), cos(t·f)]. */
export function denoiserContext(o: GraphOps, spec: DenoiserSpec, condition: string, timestep: string): string {
  const freqs = timeFrequencies(spec);
  const f = o.g.constant('time_freqs', o.dtype === 'float64' ? Float64Array.from(freqs) : Float32Array.from(freqs), [freqs.length]);
  const phase = o.mul(timestep, f);
  return o.op('Concat', [condition, o.op('Sin', [phase]), o.op('Cos', [phase])], { axis: { i: 1 } });
}

/**
 * The forward pass from the flat noisy chunk [B, chunk] and the context, with the layers' parameters
 * already in the graph (inputs in training, constants in the export). Keeps each layer's input and
 * hidden output for the backward pass.
 */
export function denoiserForward(o: GraphOps, spec: DenoiserSpec, chunk: string, context: string): { inputs: string[]; hidden: string[]; out: string } {
  const layers = denoiserLayers(spec);
  const inputs: string[] = [];
  const hidden: string[] = [];
  let h = chunk;
  layers.forEach((l, i) => {
    const x = o.op('Concat', [h, context], { axis: { i: 1 } });
    inputs.push(x);
    const pre = o.gemm(x, l.weight, { c: l.bias });
    if (i + 1 < layers.length) hidden.push((h = o.elu(pre)));
    else h = pre;
  });
  return { inputs, hidden, out: h };
}

/**
 * Its backward pass from dL/d(out): dW = xᵀ·dy, db = Σ dy per layer; the gradient flows back through the
 * hidden part of each layer's input (the first columns), the context part is data.
 */
export function denoiserBackward(o: GraphOps, spec: DenoiserSpec, net: { inputs: string[]; hidden: string[] }, dOut: string, grads: Map<string, string>): void {
  const layers = denoiserLayers(spec);
  let dy = dOut;
  for (let i = layers.length - 1; i >= 0; i--) {
    const l = layers[i]!;
    grads.set(l.weight, o.gemm(net.inputs[i]!, dy, { transA: true }));
    grads.set(l.bias, o.sum(dy, [0]));
    if (i === 0) break;
    const prev = l.inSize - contextSize(spec);
    const dx = o.gemm(dy, l.weight, { transB: true });
    const dh = o.op('Slice', [dx, o.g.int64s(`slice_start_${i}`, [0]), o.g.int64s(`slice_end_${i}`, [prev]), o.g.int64s(`slice_axis_${i}`, [1])]);
    dy = o.mul(dh, o.eluGradFromOutput(net.hidden[i - 1]!));
  }
}
