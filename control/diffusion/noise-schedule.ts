/**
 * Noise schedules with the conventions of diffusers (which Diffusion Policy and LeRobot use):
 *   linear            β_i = linspace(β_start, β_end, T)
 *   scaled_linear     β_i = linspace(√β_start, √β_end, T)²
 *   squaredcos_cap_v2 β_i = min(1 − ᾱ((i+1)/T) / ᾱ(i/T), 0.999),  ᾱ(s) = cos²((s + 0.008)/1.008 · π/2)
 *                     (Nichol & Dhariwal 2021, diffusers' betas_for_alpha_bar)
 * and ᾱ_t = Π_{i≤t} (1 − β_i).
 */
export type BetaSchedule = 'linear' | 'scaled_linear' | 'squaredcos_cap_v2';
export type PredictionType = 'epsilon' | 'sample' | 'v_prediction';

export interface NoiseScheduleConfig {
  trainTimesteps: number;
  betaSchedule: BetaSchedule;
  betaStart: number;
  betaEnd: number;
}

export interface NoiseSchedule {
  betas: Float64Array;
  alphas: Float64Array;
  alphasCumprod: Float64Array;
}

export function betasFor(config: NoiseScheduleConfig): Float64Array {
  const T = config.trainTimesteps;
  const betas = new Float64Array(T);
  const lin = (a: number, b: number, i: number) => (T === 1 ? a : a + ((b - a) * i) / (T - 1));
  if (config.betaSchedule === 'linear') {
    for (let i = 0; i < T; i++) betas[i] = lin(config.betaStart, config.betaEnd, i);
  } else if (config.betaSchedule === 'scaled_linear') {
    for (let i = 0; i < T; i++) betas[i] = lin(Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd), i) ** 2;
  } else {
    const alphaBar = (s: number) => Math.cos(((s + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (let i = 0; i < T; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / T) / alphaBar(i / T), 0.999);
  }
  return betas;
}

export function noiseSchedule(config: NoiseScheduleConfig): NoiseSchedule {
  const betas = betasFor(config);
  const alphas = betas.map((b) => 1 - b);
  const alphasCumprod = new Float64Array(alphas.length);
  let prod = 1;
  alphas.forEach((a, i) => (alphasCumprod[i] = prod *= a));
  return { betas, alphas, alphasCumprod };
}

/**
 * Inference timesteps with diffusers' default 'leading' spacing: t_k = k · ⌊T/n⌋ for k = n−1 … 0
 * (for T = 100, n = 10: 90, 80, …, 0).
 */
export function leadingTimesteps(trainTimesteps: number, inferenceSteps: number): number[] {
  if (inferenceSteps < 1 || inferenceSteps > trainTimesteps) {
    throw new Error(`inference steps must be within [1, ${trainTimesteps}] (the training timesteps); got ${inferenceSteps}`);
  }
  const ratio = Math.floor(trainTimesteps / inferenceSteps);
  return Array.from({ length: inferenceSteps }, (_, k) => (inferenceSteps - 1 - k) * ratio);
}

/**
 * The clean-sample and noise estimates from a model output at noise level ᾱ_t:
 *   epsilon:      x̂0 = (x_t − √(1−ᾱ_t) ε̂) / √ᾱ_t
 *   sample:       x̂0 = output,  ε̂ = (x_t − √ᾱ_t x̂0) / √(1−ᾱ_t)
 *   v_prediction: x̂0 = √ᾱ_t x_t − √(1−ᾱ_t) v̂,  ε̂ = √ᾱ_t v̂ + √(1−ᾱ_t) x_t
 */
export function predictOriginal(type: PredictionType, alphaProd: number, sample: number, output: number): { x0: number; eps: number } {
  const a = Math.sqrt(alphaProd);
  const s = Math.sqrt(1 - alphaProd);
  if (type === 'epsilon') return { x0: (sample - s * output) / a, eps: output };
  if (type === 'sample') return { x0: output, eps: (sample - a * output) / s };
  return { x0: a * sample - s * output, eps: a * output + s * sample };
}
