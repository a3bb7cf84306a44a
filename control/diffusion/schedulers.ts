/**
 * DDPM (Ho et al. 2020) and DDIM (Song et al. 2021) reverse steps, following diffusers' DDPMScheduler
 * (variance_type 'fixed_small') and DDIMScheduler (set_alpha_to_one, eta) — the schedulers Diffusion
 * Policy trains and samples with. One `step` updates a whole batch in place.
 */
import { leadingTimesteps, noiseSchedule, predictOriginal, type NoiseSchedule, type NoiseScheduleConfig, type PredictionType } from './noise-schedule.ts';

export interface SchedulerConfig extends NoiseScheduleConfig {
  predictionType: PredictionType;
  /** Clamp x̂0 to ±clipSampleRange before stepping (Diffusion Policy: true, range 1). */
  clipSample: boolean;
  clipSampleRange: number;
}

export interface Scheduler {
  readonly kind: 'ddpm' | 'ddim';
  readonly schedule: NoiseSchedule;
  /** Timesteps to visit, highest first. */
  timesteps(inferenceSteps: number): number[];
  /**
   * x_t → x_{t_prev} for every element of `sample` (in place). `noise()` draws N(0, 1); the
   * deterministic DDIM (eta 0) never calls it.
   */
  step(output: ArrayLike<number>, t: number, prevT: number, sample: Float32Array | Float64Array, noise: () => number): void;
}

abstract class BaseScheduler implements Scheduler {
  abstract readonly kind: 'ddpm' | 'ddim';
  readonly schedule: NoiseSchedule;

  constructor(protected readonly config: SchedulerConfig) {
    this.schedule = noiseSchedule(config);
  }

  timesteps(inferenceSteps: number): number[] {
    return leadingTimesteps(this.config.trainTimesteps, inferenceSteps);
  }

  protected clip(x0: number): number {
    if (!this.config.clipSample) return x0;
    const r = this.config.clipSampleRange;
    return Math.min(r, Math.max(-r, x0));
  }

  abstract step(output: ArrayLike<number>, t: number, prevT: number, sample: Float32Array | Float64Array, noise: () => number): void;
}

/**
 * DDPM: x_{t'} = c0 · x̂0 + ct · x_t + σ z with, for α = ᾱ_t/ᾱ_{t'} and β = 1 − α,
 *   c0 = √ᾱ_{t'} β / (1 − ᾱ_t),  ct = √α (1 − ᾱ_{t'}) / (1 − ᾱ_t),  σ² = (1 − ᾱ_{t'}) / (1 − ᾱ_t) · β
 * (the posterior q(x_{t'} | x_t, x̂0); no noise on the last step).
 */
export class DdpmScheduler extends BaseScheduler {
  readonly kind = 'ddpm' as const;

  coefficients(t: number, prevT: number): { c0: number; ct: number; variance: number } {
    const ac = this.schedule.alphasCumprod;
    const aT = ac[t]!;
    const aPrev = prevT >= 0 ? ac[prevT]! : 1;
    const alpha = aT / aPrev;
    const beta = 1 - alpha;
    return {
      c0: (Math.sqrt(aPrev) * beta) / (1 - aT),
      ct: (Math.sqrt(alpha) * (1 - aPrev)) / (1 - aT),
      variance: Math.max(((1 - aPrev) / (1 - aT)) * beta, 1e-20),
    };
  }

  step(output: ArrayLike<number>, t: number, prevT: number, sample: Float32Array | Float64Array, noise: () => number): void {
    const aT = this.schedule.alphasCumprod[t]!;
    const { c0, ct, variance } = this.coefficients(t, prevT);
    const sigma = t > 0 ? Math.sqrt(variance) : 0;
    const type = this.config.predictionType;
    for (let i = 0; i < sample.length; i++) {
      const x = sample[i]!;
      const x0 = this.clip(predictOriginal(type, aT, x, output[i]!).x0);
      sample[i] = c0 * x0 + ct * x + (sigma > 0 ? sigma * noise() : 0);
    }
  }
}

/**
 * DDIM: x_{t'} = √ᾱ_{t'} x̂0 + √(1 − ᾱ_{t'} − σ²) ε̂ + σ z, with σ = η √((1−ᾱ_{t'})/(1−ᾱ_t) · (1 − ᾱ_t/ᾱ_{t'}))
 * and ᾱ_{−1} = 1 (set_alpha_to_one). η = 0 is the deterministic sampler.
 */
export class DdimScheduler extends BaseScheduler {
  readonly kind = 'ddim' as const;

  constructor(
    config: SchedulerConfig,
    readonly eta = 0,
  ) {
    super(config);
  }

  step(output: ArrayLike<number>, t: number, prevT: number, sample: Float32Array | Float64Array, noise: () => number): void {
    const ac = this.schedule.alphasCumprod;
    const aT = ac[t]!;
    const aPrev = prevT >= 0 ? ac[prevT]! : 1;
    const variance = ((1 - aPrev) / (1 - aT)) * (1 - aT / aPrev);
    const sigma = this.eta * Math.sqrt(Math.max(variance, 0));
    const dir = Math.sqrt(Math.max(1 - aPrev - sigma * sigma, 0));
    const type = this.config.predictionType;
    for (let i = 0; i < sample.length; i++) {
      // diffusers keeps the model's ε̂ for the direction term even when x̂0 is clipped (use_clipped_model_output=False).
      const { x0, eps } = predictOriginal(type, aT, sample[i]!, output[i]!);
      sample[i] = Math.sqrt(aPrev) * this.clip(x0) + dir * eps + (sigma > 0 ? sigma * noise() : 0);
    }
  }
}

export function createScheduler(kind: 'ddpm' | 'ddim', config: SchedulerConfig, eta = 0): Scheduler {
  return kind === 'ddpm' ? new DdpmScheduler(config) : new DdimScheduler(config, eta);
}
