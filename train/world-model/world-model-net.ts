/**
 * The TD-MPC2-style world model's networks, described once for the training-step graph
 * (train/learner/world-model-step-graph.ts) and the export (train/export/world-model-export.ts):
 *
 *   encoder   h(obs) → z = tanh(MLP(obs))            (tanh bounds the latent, as TD-MPC2's SimNorm does)
 *   dynamics  d(z, a) → z' = tanh(MLP([z, a]))
 *   reward    R(z, a) → r̂ = MLP([z, a])
 *   Q heads   Q_k(z, a) = MLP_k([z, a]),  k < qHeads
 *   policy    π(z) → (μ, s): a = tanh(μ + σ·ε), log σ = LOG_STD_MIN + ½(LOG_STD_MAX − LOG_STD_MIN)(tanh s + 1)
 *
 * ELU hidden layers, linear outputs; weights row-major [in, out] (y = x·W + b), as actor-critic.ts.
 */
import type { Random } from '../../sim/random.ts';
import type { LayerShape, ParamTensor } from '../actor-critic.ts';

export interface WorldModelNetSpec {
  obsDim: number;
  actionDim: number;
  latentDim: number;
  /** Hidden layer sizes of every network. */
  hidden: number[];
  /** Q ensemble size (TD-MPC2: 5; the TD target takes the minimum over heads). */
  qHeads: number;
}

/** TD-MPC2's policy log-std bounds. */
export const LOG_STD_MIN = -10;
export const LOG_STD_MAX = 2;

export type WorldModelNet = 'encoder' | 'dynamics' | 'reward' | 'policy' | `q${number}`;

export function qNets(spec: WorldModelNetSpec): WorldModelNet[] {
  return Array.from({ length: spec.qHeads }, (_, k) => `q${k}` as const);
}

/** The networks the model losses train (the policy has its own loss and optimiser group). */
export function modelNets(spec: WorldModelNetSpec): WorldModelNet[] {
  return ['encoder', 'dynamics', 'reward', ...qNets(spec)];
}

export function layerShapesOf(spec: WorldModelNetSpec, net: WorldModelNet): LayerShape[] {
  const za = spec.latentDim + spec.actionDim;
  const io: Record<string, [number, number]> = { encoder: [spec.obsDim, spec.latentDim], dynamics: [za, spec.latentDim], reward: [za, 1], policy: [spec.latentDim, 2 * spec.actionDim] };
  const [inSize, outSize] = io[net] ?? [za, 1];
  const sizes = [inSize, ...spec.hidden, outSize];
  return sizes.slice(1).map((out, i) => ({ weight: `${net}.${i}.weight`, bias: `${net}.${i}.bias`, inSize: sizes[i]!, outSize: out }));
}

export function parameterShapesOf(spec: WorldModelNetSpec, nets: WorldModelNet[]): { name: string; dims: number[] }[] {
  return nets.flatMap((net) => layerShapesOf(spec, net).flatMap((l) => [{ name: l.weight, dims: [l.inSize, l.outSize] }, { name: l.bias, dims: [l.outSize] }]));
}

/** Every trainable tensor, model networks first, then the policy (the learner's order). */
export function worldModelParameterShapes(spec: WorldModelNetSpec): { name: string; dims: number[] }[] {
  return parameterShapesOf(spec, [...modelNets(spec), 'policy']);
}

/**
 * Fresh parameters: uniform ±1/√fan_in; the reward and Q output layers start at zero (TD-MPC2 zeroes
 * them, so early value targets are not noise), the policy output layer scaled by 0.01.
 */
export function initWorldModel(spec: WorldModelNetSpec, random: Random): ParamTensor[] {
  const zeroed = new Set(['reward', ...qNets(spec)].map((net) => layerShapesOf(spec, net as WorldModelNet).at(-1)!.weight));
  const small = layerShapesOf(spec, 'policy').at(-1)!.weight;
  const out: ParamTensor[] = [];
  for (const net of [...modelNets(spec), 'policy'] as WorldModelNet[]) {
    for (const l of layerShapesOf(spec, net)) {
      const scale = (zeroed.has(l.weight) ? 0 : l.weight === small ? 0.01 : 1) / Math.sqrt(l.inSize);
      const draw = (n: number) => Float32Array.from({ length: n }, () => (2 * random.uniform() - 1) * scale);
      out.push({ name: l.weight, dims: [l.inSize, l.outSize], data: draw(l.inSize * l.outSize) }, { name: l.bias, dims: [l.outSize], data: draw(l.outSize) });
    }
  }
  return out;
}
