/**
 * The denoiser network description shared by the training-step graph (train/learner/denoiser-step-graph.ts)
 * and the export (train/export/denoiser-export.ts), so what is trained and what is exported cannot
 * drift apart: an MLP on [noisy action chunk (horizon × actionDim, flattened), observation history
 * (obsHorizon × obsDim), sinusoidal timestep embedding] → the noise ε̂ in the chunk (ELU hidden layers).
 * Diffusion Policy conditions a 1-D conv U-Net the same way (global conditioning on observations and
 * the timestep embedding); an MLP is its small-model counterpart for low-dimensional states.
 *
 * Actions and observations enter normalized to [−1, 1] (min_max, as Diffusion Policy's LinearNormalizer);
 * the card carries the normalization and `diffusion-policy` applies it.
 */
import type { GraphBuilder } from '../../models/onnx-builder.ts';
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

/** The dense layers, input first: [chunk, condition, embedding] → hidden … → chunk. */
export function denoiserLayers(spec: DenoiserSpec): LayerShape[] {
  const sizes = [chunkSize(spec) + conditionSize(spec) + spec.timeEmbedDim, ...spec.hidden, chunkSize(spec)];
  return sizes.slice(1).map((outSize, i) => ({ weight: `denoiser.${i}.weight`, bias: `denoiser.${i}.bias`, inSize: sizes[i]!, outSize }));
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

/**
 * The network input [B, chunk + condition + embedding] from the flat noisy chunk [B, chunk], the
 * conditioning [B, condition] and the timestep as a float column [B, 1]: embedding = [sin(t·f), cos(t·f)].
 */
export function denoiserInput(g: GraphBuilder, spec: DenoiserSpec, chunk: string, condition: string, timestep: string, dtype: 'float32' | 'float64' = 'float32'): string {
  const freqs = timeFrequencies(spec);
  const f = g.constant('time_freqs', dtype === 'float64' ? Float64Array.from(freqs) : Float32Array.from(freqs), [freqs.length]);
  const phase = g.op('Mul', [timestep, f]);
  return g.op('Concat', [chunk, condition, g.op('Sin', [phase]), g.op('Cos', [phase])], { axis: { i: 1 } });
}
