/**
 * The actor-critic network description shared by the learner graph (train/learner/ppo-step-graph.ts)
 * and the policy export (train/export/policy-export.ts): layer sizes, activation and the named
 * parameter tensors, so what is trained and what is exported cannot drift apart.
 *
 * Actor: obs → hidden (ELU) → mean action; a state-independent log-std per action (rsl_rl's
 * `noise_std_type = "scalar"` in log space). Critic: obs → hidden (ELU) → value.
 * Weights are row-major [in, out] (y = x·W + b).
 */
import type { Random } from '../sim/random.ts';

export interface ActorCriticSpec {
  obsDim: number;
  actionDim: number;
  actorHidden: number[];
  criticHidden: number[];
  /** Initial standard deviation of the Gaussian policy (rsl_rl's init_noise_std). */
  initNoiseStd: number;
}

/** rsl_rl's legged-robot network: 256-128-64 ELU for both actor and critic. */
export const DEFAULT_HIDDEN = [256, 128, 64];

export interface ParamTensor {
  name: string;
  dims: number[];
  data: Float32Array;
}

export interface LayerShape {
  weight: string;
  bias: string;
  inSize: number;
  outSize: number;
}

/** The dense layers of one head ('actor' or 'critic'): sizes input first, output last. */
export function layerShapes(spec: ActorCriticSpec, head: 'actor' | 'critic'): LayerShape[] {
  const sizes = head === 'actor' ? [spec.obsDim, ...spec.actorHidden, spec.actionDim] : [spec.obsDim, ...spec.criticHidden, 1];
  return sizes.slice(1).map((outSize, i) => ({ weight: `${head}.${i}.weight`, bias: `${head}.${i}.bias`, inSize: sizes[i]!, outSize }));
}

export const LOG_STD = 'log_std';

/** Every trainable tensor's name and shape, in a fixed order (the learner's input order). */
export function parameterShapes(spec: ActorCriticSpec): { name: string; dims: number[] }[] {
  const out: { name: string; dims: number[] }[] = [];
  for (const head of ['actor', 'critic'] as const) {
    for (const l of layerShapes(spec, head)) out.push({ name: l.weight, dims: [l.inSize, l.outSize] }, { name: l.bias, dims: [l.outSize] });
  }
  out.push({ name: LOG_STD, dims: [spec.actionDim] });
  return out;
}

/**
 * Fresh parameters: PyTorch's default dense initialisation (uniform ±1/√fan_in), the actor's output
 * layer scaled by 0.01 so the first policy is centred on zero action (CleanRL's choice; it keeps
 * early episodes from saturating the actuators), log-std = log(initNoiseStd).
 */
export function initParameters(spec: ActorCriticSpec, random: Random): ParamTensor[] {
  const actorOut = layerShapes(spec, 'actor').at(-1)!;
  return parameterShapes(spec).map(({ name, dims }) => {
    const count = dims.reduce((a, b) => a * b, 1);
    if (name === LOG_STD) return { name, dims, data: new Float32Array(count).fill(Math.log(spec.initNoiseStd)) };
    const fanIn = dims.length === 2 ? dims[0]! : (parameterShapes(spec).find((p) => p.name === name.replace('bias', 'weight'))!.dims[0]!);
    const scale = (name === actorOut.weight || name === actorOut.bias ? 0.01 : 1) / Math.sqrt(fanIn);
    return { name, dims, data: Float32Array.from({ length: count }, () => (2 * random.uniform() - 1) * scale) };
  });
}

export function parameterCount(spec: ActorCriticSpec): number {
  return parameterShapes(spec).reduce((n, p) => n + p.dims.reduce((a, b) => a * b, 1), 0);
}

/** Multiply-adds of one sample through both heads (forward only). */
export function forwardMacs(spec: ActorCriticSpec): number {
  return [...layerShapes(spec, 'actor'), ...layerShapes(spec, 'critic')].reduce((n, l) => n + l.inSize * l.outSize, 0);
}
