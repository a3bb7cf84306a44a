/**
 * Diffusion Policy's training recipe (Chi et al. 2023) on recorded demonstrations: min_max
 * normalization, observation and action horizons (demo-dataset.ts), DDPM noising with the
 * squaredcos_cap_v2 schedule and ε-prediction, the noise MSE (denoiser-step-graph.ts), Adam with a
 * linear warm-up then cosine decay, grad-norm clipping, and EMA weights (ema.ts), which are exported.
 * `diffusion-policy` samples the exported model with DDIM.
 */
import { noiseSchedule } from '../../control/diffusion/noise-schedule.ts';
import type { SchedulerConfig } from '../../control/diffusion/schedulers.ts';
import { Random } from '../../sim/random.ts';
import type { ParamTensor } from '../actor-critic.ts';
import type { ExportedPolicy } from '../export/policy-export.ts';
import { exportDenoiser, type DenoiserProvenance } from '../export/denoiser-export.ts';
import { DenoiserLearner, type DenoiserBatch } from '../learner/denoiser-learner.ts';
import { freshLearnerState } from '../learner/learner.ts';
import { DemoDataset, type DemoEpisodeData } from './demo-dataset.ts';
import { relabelWithPositionTargets, type PositionTargetOptions, type PositionTracking } from './position-targets.ts';
import { chunkSize, conditionSize, DEFAULT_DENOISER_HIDDEN, initDenoiser, type DenoiserSpec } from './denoiser.ts';
import { WeightAverage } from './ema.ts';

export interface DiffusionTrainOptions {
  /** Actions per predicted chunk (Diffusion Policy: 16). */
  horizon: number;
  /** Observations conditioning a chunk (2). */
  obsHorizon: number;
  /** Actions executed per chunk at run time (8). */
  actionSteps: number;
  hidden: number[];
  /** Sinusoidal timestep embedding size. */
  timeEmbedDim: number;
  /** Minibatch size (256). */
  batchSize: number;
  /** Peak Adam learning rate. */
  learningRate: number;
  /** Linear warm-up steps before the cosine decay (500 in Diffusion Policy). */
  warmupSteps: number;
  /** Steps the cosine decay spans (the planned run length); the rate stays at its peak when unknown. */
  decaySteps?: number;
  maxGradNorm: number;
  /** Diffusion steps in training (100) and their schedule. */
  schedule: SchedulerConfig;
  seed: number;
  /** Learn position targets for these observation entries instead of the recorded commands (position-targets.ts). */
  positionTarget?: PositionTargetOptions;
}

export const DIFFUSION_DEFAULTS: DiffusionTrainOptions = {
  horizon: 16,
  obsHorizon: 2,
  actionSteps: 8,
  hidden: DEFAULT_DENOISER_HIDDEN,
  timeEmbedDim: 32,
  batchSize: 256,
  learningRate: 1e-3,
  warmupSteps: 200,
  maxGradNorm: 1,
  schedule: { trainTimesteps: 100, betaSchedule: 'squaredcos_cap_v2', betaStart: 0.0001, betaEnd: 0.02, predictionType: 'epsilon', clipSample: true, clipSampleRange: 1 },
  seed: 0,
};

export class DiffusionTrainer {
  private readonly random: Random;
  private readonly sqrtAlphaBar: Float64Array;
  private readonly sqrtOneMinusAlphaBar: Float64Array;
  private readonly batch: DenoiserBatch;

  private constructor(
    readonly spec: DenoiserSpec,
    readonly options: DiffusionTrainOptions,
    readonly dataset: DemoDataset,
    private readonly learner: DenoiserLearner,
    private readonly ema: WeightAverage,
    /** The PD fitted to the demonstrations when the policy learns position targets. */
    readonly tracking?: PositionTracking,
  ) {
    this.random = new Random(options.seed + 1);
    const { alphasCumprod } = noiseSchedule(options.schedule);
    this.sqrtAlphaBar = alphasCumprod.map(Math.sqrt);
    this.sqrtOneMinusAlphaBar = alphasCumprod.map((a) => Math.sqrt(1 - a));
    const B = options.batchSize;
    this.batch = { size: B, noisy: new Float32Array(B * chunkSize(spec)), noise: new Float32Array(B * chunkSize(spec)), condition: new Float32Array(B * conditionSize(spec)), timestep: new Float32Array(B) };
  }

  static async create(episodes: DemoEpisodeData[], obsDim: number, actionDim: number, overrides: Partial<DiffusionTrainOptions> = {}): Promise<DiffusionTrainer> {
    const options = { ...DIFFUSION_DEFAULTS, ...overrides };
    if (options.obsHorizon > options.horizon) throw new Error(`the observation horizon (${options.obsHorizon}) cannot exceed the action horizon (${options.horizon})`);
    if (options.actionSteps > options.horizon - options.obsHorizon + 1) throw new Error(`at most horizon − obsHorizon + 1 = ${options.horizon - options.obsHorizon + 1} actions of a chunk can be executed, not ${options.actionSteps}`);
    const spec: DenoiserSpec = { horizon: options.horizon, actionDim, obsHorizon: options.obsHorizon, obsDim, hidden: options.hidden, timeEmbedDim: options.timeEmbedDim };
    const targets = options.positionTarget && relabelWithPositionTargets(episodes, obsDim, actionDim, options.positionTarget);
    const dataset = new DemoDataset(targets?.episodes ?? episodes, spec);
    const params = initDenoiser(spec, new Random(options.seed));
    const learner = await DenoiserLearner.create(spec, freshLearnerState(params));
    return new DiffusionTrainer(spec, options, dataset, learner, new WeightAverage(params), targets?.tracking);
  }

  get steps(): number {
    return this.learner.steps;
  }

  /** The learning rate of the next step: linear warm-up, then cosine decay to 0 over `decaySteps`. */
  learningRate(): number {
    const { learningRate, warmupSteps, decaySteps } = this.options;
    const t = this.learner.steps;
    if (t < warmupSteps) return (learningRate * (t + 1)) / warmupSteps;
    if (decaySteps === undefined) return learningRate;
    const progress = Math.min(1, (t - warmupSteps) / Math.max(1, decaySteps - warmupSteps));
    return 0.5 * learningRate * (1 + Math.cos(Math.PI * progress));
  }

  /** One Adam step on a random minibatch: x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε with t ~ U{0 … T−1}, ε ~ N(0, I). */
  async step(): Promise<{ loss: number; gradNorm: number; learningRate: number }> {
    const { batch, dataset, random } = this;
    const C = chunkSize(this.spec);
    const D = conditionSize(this.spec);
    const T = this.options.schedule.trainTimesteps;
    for (let b = 0; b < batch.size; b++) {
      const w = Math.floor(random.uniform() * dataset.size);
      const t = Math.floor(random.uniform() * T);
      batch.timestep[b] = t;
      batch.condition.set(dataset.conditions.subarray(w * D, (w + 1) * D), b * D);
      const a = this.sqrtAlphaBar[t]!;
      const s = this.sqrtOneMinusAlphaBar[t]!;
      for (let k = 0; k < C; k++) {
        const eps = random.normal();
        batch.noise[b * C + k] = eps;
        batch.noisy[b * C + k] = a * dataset.chunks[w * C + k]! + s * eps;
      }
    }
    const learningRate = this.learningRate();
    const stats = await this.learner.step(batch, { learningRate, maxGradNorm: this.options.maxGradNorm });
    this.ema.update(this.learner.parameters());
    return { ...stats, learningRate };
  }

  /** The EMA weights: what is exported. */
  averagedParameters(): ParamTensor[] {
    return this.ema.parameters();
  }

  /** The EMA weights as policy.onnx + card. */
  export(provenance: DenoiserProvenance): ExportedPolicy {
    const tracking = this.tracking && { observation: this.tracking.observation, lead: this.tracking.lead, kp: this.tracking.kp, kd: this.tracking.kd };
    return exportDenoiser(this.ema.parameters(), { spec: this.spec, actionSteps: this.options.actionSteps, schedule: this.options.schedule, normalization: this.dataset.normalization, ...(tracking ? { positionTarget: tracking } : {}), provenance });
  }

  async dispose(): Promise<void> {
    await this.learner.dispose();
  }
}
