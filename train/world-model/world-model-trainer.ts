/**
 * TD-MPC2's online loop (Hansen et al. 2024, `OnlineTrainer`):
 *
 *   first `seedSteps` environment steps: uniform random actions in [−1, 1]
 *   then every step: the agent acts (below), the transition goes to the replay buffer;
 *     the first time, `seedSteps` updates on the random data (TD-MPC2's pretraining burst), then
 *     `updatesPerStep` updates per environment step, each on a minibatch of `horizon`-step sub-trajectories
 *
 * Acting (`collect`): 'plan' — latent MPPI (control/world-model/latent-mppi.ts, the planner
 * world-model-mpc runs) on the model being learned, through graphs that take the learner's live
 * parameters as inputs, the chosen action perturbed by the plan's std as TD-MPC2 does in training;
 * 'prior' — a ~ π(h(o)), the policy prior sampled (cheaper, explores less). The planners restart
 * (warm start and random stream, seeded from the run's) at every episode's end and every iteration's
 * start, so a run resumed from a checkpoint plans exactly as the one that wrote it.
 * Environments see the task's own observation and [−1, 1] actions mapped onto the control range
 * (VecEnvOptions.spaces = 'task'), exactly as world-model-mpc feeds the exported model.
 */
import { Random, type RandomState } from '../../sim/random.ts';
import { buildTask } from '../env/task-build.ts';
import { VecEnvPool } from '../env/vec-env-pool.ts';
import type { EnvSnapshot } from '../env/vec-env.ts';
import { exportWorldModel, latentModelGraphs, rolloutValueGraph, type ExportedWorldModel } from '../export/world-model-export.ts';
import { OnnxLatentModel } from '../../control/world-model/latent-model.ts';
import { LATENT_MPPI_PARAMS, LatentMppi } from '../../control/world-model/latent-mppi.ts';
import { defaults, type ParamValues } from '../../sim/params.ts';
import { learnerRuntime } from '../learner/learner.ts';
import { freshWorldModelState, WorldModelLearner, type WorldModelHyper, type WorldModelLearnerState } from '../learner/world-model-learner.ts';
import { WORLD_MODEL_STATS, type WorldModelStat } from '../learner/world-model-step-graph.ts';
import { ReplayBuffer, type SavedReplay } from './replay-buffer.ts';
import { initWorldModel, type WorldModelNetSpec } from './world-model-net.ts';

export interface WorldModelTrainOptions {
  taskId: string;
  taskParams?: Record<string, unknown>;
  seed: number;
  /** Environments stepped together (TD-MPC2: 1); each step adds `envs` transitions. */
  envs: number;
  workers: number;
  latentDim: number;
  hidden: number[];
  qHeads: number;
  batchSize: number;
  /** Steps of the latent rollout the losses run over (TD-MPC2: 3), and ρ, the weight ρᵗ of its step t (0.5). */
  horizon: number;
  rho: number;
  learningRate: number;
  maxGradNorm: number;
  /** Loss weights (TD-MPC2: consistency 20, reward 0.1, value 0.1 on its discrete regression; MSE here). */
  consistencyCoef: number;
  rewardCoef: number;
  valueCoef: number;
  /** Policy entropy weight α (TD-MPC2: 1e-4, with Q scaled to ~1). */
  entropyCoef: number;
  /** EMA rate of the target Q heads (TD-MPC2: 0.01). */
  targetRate: number;
  /** γ; default TD-MPC2's heuristic from the episode length T: clamp((T/5 − 1)/(T/5), 0.95, 0.995). */
  discount?: number;
  /** Random-action steps before learning; default TD-MPC2's max(1000, 5·T). */
  seedSteps?: number;
  /** How the agent acts after the seed steps: 'plan' (latent MPPI on the model, TD-MPC2) or 'prior' (a ~ π(z)). */
  collect: 'plan' | 'prior';
  /** The collecting planner's samples (elites: an eighth) and iterations (TD-MPC2: 512, 6); the rest are world-model-mpc's defaults. */
  planSamples: number;
  planIterations: number;
  /** Updates per environment step (TD-MPC2: 1; fractions spread updates out, for a slower CPU). */
  updatesPerStep: number;
  bufferSize: number;
}

export const WORLD_MODEL_DEFAULTS: Omit<WorldModelTrainOptions, 'taskId' | 'seed'> = {
  envs: 1,
  workers: 1,
  // Smaller than TD-MPC2's (latent 512, hidden 512, batch 256): one CPU thread runs the learner.
  latentDim: 32,
  hidden: [128, 128],
  qHeads: 2,
  batchSize: 128,
  horizon: 3,
  rho: 0.5,
  learningRate: 3e-4,
  maxGradNorm: 20,
  consistencyCoef: 20,
  rewardCoef: 1,
  valueCoef: 0.1,
  entropyCoef: 1e-4,
  targetRate: 0.01,
  collect: 'plan',
  planSamples: 256,
  planIterations: 4,
  updatesPerStep: 1,
  bufferSize: 1_000_000,
};

/** The settings the collecting planner plans with: world-model-mpc's defaults but for its size (elites: an eighth of the samples). */
export function collectingPlanSettings(options: Pick<WorldModelTrainOptions, 'planSamples' | 'planIterations'>, discount: number): ParamValues {
  return { ...defaults(LATENT_MPPI_PARAMS), samples: options.planSamples, iterations: options.planIterations, elites: Math.max(1, Math.round(options.planSamples / 8)), discount };
}

/** One line of metrics.jsonl. */
export type WorldModelMetrics = {
  iteration: number;
  envSteps: number;
  updates: number;
  wallSeconds: number;
  episodes: number;
  returnMean: number | null;
  successRate: number | null;
  qScale: number;
  envStepsPerSecond: number;
  updatesPerSecond: number;
  /** Wall milliseconds the planner took per action (collect 'plan', after the seed steps). */
  planMsPerAction?: number;
} & Partial<Record<WorldModelStat, number>>;

type Episode = { return: number; success: boolean };

/** Everything `--resume` needs: the learner, the replay buffer, the environments mid-episode, the counters. */
export interface WorldModelCheckpoint {
  algorithm: 'world-model';
  options: WorldModelTrainOptions;
  taskParams: Record<string, unknown>;
  spec: WorldModelNetSpec;
  learner: WorldModelLearnerState;
  buffer: SavedReplay;
  envSteps: number;
  iteration: number;
  wallSeconds: number;
  qScale: number;
  random: RandomState;
  recent: Episode[];
  /** The environments and the observation the next step acts on. */
  continuation?: { envs: EnvSnapshot[]; obs: Float32Array };
}

export class WorldModelTrainer {
  envSteps = 0;
  iteration = 0;
  private obs: Float32Array | undefined;
  private readonly random: Random;
  private qScale = 1;
  private recent: Episode[] = [];
  private readonly started = performance.now();
  private wallBefore = 0;
  /** Called with every update's losses (metrics.jsonl holds their per-episode means). */
  onUpdate: ((stats: Record<WorldModelStat, number>) => void) | undefined;

  private constructor(
    readonly options: WorldModelTrainOptions,
    readonly taskParams: Record<string, unknown>,
    readonly spec: WorldModelNetSpec,
    readonly hyper: WorldModelHyper,
    readonly seedSteps: number,
    /** Environment steps of one full episode (an iteration is one per environment). */
    readonly episodeSteps: number,
    readonly actionLow: number[],
    readonly actionHigh: number[],
    private readonly envs: VecEnvPool,
    private readonly learner: WorldModelLearner,
    private readonly buffer: ReplayBuffer,
    /** One per environment when collecting by planning, with the settings they plan with. */
    private readonly planning: { planners: LatentMppi[]; settings: ParamValues; model: OnnxLatentModel } | undefined,
    resume: WorldModelCheckpoint | undefined,
  ) {
    this.random = resume ? Random.resume(resume.random) : new Random((options.seed * 2654435761 + 17) >>> 0);
    if (resume) {
      this.envSteps = resume.envSteps;
      this.iteration = resume.iteration;
      this.wallBefore = resume.wallSeconds;
      this.qScale = resume.qScale;
      this.recent = resume.recent;
      this.obs = resume.continuation?.obs;
    }
  }

  /** A new run, or with `resume` the checkpointed one continued (its options win over `overrides`, but for the buffer size). */
  static async create(overrides: Partial<WorldModelTrainOptions> & { taskId: string; seed: number }, resume?: WorldModelCheckpoint): Promise<WorldModelTrainer> {
    // A checkpoint written before rollout losses and planning continues as it was trained: one-step loss, the prior acting.
    const before: Partial<WorldModelTrainOptions> = { horizon: 1, collect: 'prior' };
    const options: WorldModelTrainOptions = resume ? { ...WORLD_MODEL_DEFAULTS, ...before, ...resume.options, bufferSize: Math.max(resume.options.bufferSize, overrides.bufferSize ?? 0) } : { ...WORLD_MODEL_DEFAULTS, ...overrides };
    const { task, values } = buildTask(options.taskId, resume?.taskParams ?? options.taskParams);
    const obsDim = task.observe(task.reset(new Random(0))).length;
    const spec: WorldModelNetSpec = { obsDim, actionDim: task.actionDim, latentDim: options.latentDim, hidden: options.hidden, qHeads: options.qHeads };
    const episodeSteps = Math.max(1, Math.round(task.timing.episodeSeconds / task.timing.controlDt));
    const horizon = episodeSteps / 5;
    const discount = options.discount ?? Math.min(0.995, Math.max(0.95, (horizon - 1) / horizon));
    const seedSteps = options.seedSteps ?? Math.max(1000, 5 * episodeSteps);
    const hyper: WorldModelHyper = {
      learningRate: options.learningRate,
      maxGradNorm: options.maxGradNorm,
      discount,
      consistencyCoef: options.consistencyCoef,
      rewardCoef: options.rewardCoef,
      valueCoef: options.valueCoef,
      entropyCoef: options.entropyCoef,
      qScale: 1,
      targetRate: options.targetRate,
    };
    if (resume && JSON.stringify(resume.spec) !== JSON.stringify(spec)) throw new Error(`checkpoint: its networks ${JSON.stringify(resume.spec)} do not fit task '${options.taskId}' (${JSON.stringify(spec)})`);
    const buffer = resume ? ReplayBuffer.restore(resume.buffer, options.bufferSize, obsDim, task.actionDim) : new ReplayBuffer(options.bufferSize, obsDim, task.actionDim);
    const learner = await WorldModelLearner.create(spec, resume?.learner ?? freshWorldModelState(spec, initWorldModel(spec, new Random(options.seed))), { horizon: options.horizon, rho: options.rho });
    let envs: VecEnvPool;
    let planning: { planners: LatentMppi[]; settings: ParamValues; model: OnnxLatentModel } | undefined;
    try {
      if (options.collect === 'plan') {
        const settings = collectingPlanSettings(options, discount);
        const files = { ...latentModelGraphs(spec, options.taskId), value: rolloutValueGraph(spec, settings.horizon as number) };
        const model = await OnnxLatentModel.load(files, learnerRuntime(), () => learner.parameterFeeds());
        planning = { planners: Array.from({ length: options.envs }, () => new LatentMppi(model)), settings, model };
      }
      // Resumed without a continuation, the environments start fresh episodes on a seed of their own.
      const seed = options.seed + (resume && !resume.continuation ? resume.iteration : 0);
      envs = await VecEnvPool.create({ taskId: options.taskId, taskParams: values, envs: options.envs, workers: options.workers, seed, featureDim: obsDim, actionDim: task.actionDim, env: { spaces: 'task' } });
      if (resume?.continuation) await envs.restore(resume.continuation.envs);
    } catch (err) {
      await planning?.model.dispose();
      await learner.dispose();
      throw err;
    }
    const actuators = task.scene.actuators;
    return new WorldModelTrainer(options, values, spec, hyper, seedSteps, episodeSteps, actuators.map((a) => a.ctrlRange[0]), actuators.map((a) => a.ctrlRange[1]), envs, learner, buffer, planning, resume);
  }

  get updates(): number {
    return this.learner.steps;
  }

  /** One episode's worth of steps in every environment, with the updates they earn. */
  async iterate(): Promise<WorldModelMetrics> {
    const N = this.options.envs;
    const { obsDim: D, actionDim: A } = this.spec;
    const t0 = performance.now();
    let envSeconds = 0;
    const updatesBefore = this.learner.steps;
    const sums: Partial<Record<WorldModelStat, number>> = {};
    let statCount = 0;
    const episodes: Episode[] = [];
    let planSeconds = 0;
    let planned = 0;
    this.obs ??= await this.envs.reset();
    for (let i = 0; i < N; i++) this.restartPlanner(i);
    for (let t = 0; t < this.episodeSteps; t++) {
      const p0 = performance.now();
      const actions = await this.act(this.obs);
      if (this.planning && this.envSteps >= this.seedSteps) {
        planSeconds += (performance.now() - p0) / 1000;
        planned += N;
      }
      const e0 = performance.now();
      const r = await this.envs.step(actions.slice());
      envSeconds += (performance.now() - e0) / 1000;
      for (let i = 0; i < N; i++) {
        const next = (r.truncated[i] ? r.finalFeatures : r.features).subarray(i * D, (i + 1) * D);
        const ended = r.terminated[i] === 1 || r.truncated[i] === 1;
        this.buffer.add(this.obs.subarray(i * D, (i + 1) * D), actions.subarray(i * A, (i + 1) * A), r.rewards[i]!, next, r.terminated[i] === 1, ended ? 0 : N);
        if (ended) this.restartPlanner(i);
      }
      episodes.push(...r.episodes.map((e) => ({ return: e.return, success: e.success })));
      this.obs = r.features;
      this.envSteps += N;
      if (this.envSteps < this.seedSteps) continue;
      // Updates due: the burst, then updatesPerStep per step since (counted from the total, so fractions add up exactly).
      const due = this.seedSteps + Math.floor((this.envSteps - this.seedSteps) * this.options.updatesPerStep + 1e-9);
      while (this.learner.steps < due) {
        const stats = await this.update();
        for (const s of WORLD_MODEL_STATS) sums[s] = (sums[s] ?? 0) + stats[s];
        statCount++;
      }
    }
    this.iteration++;
    this.recent = [...this.recent, ...episodes].slice(-Math.max(N, 10));
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    const seconds = (performance.now() - t0) / 1000;
    const updates = this.learner.steps - updatesBefore;
    return {
      iteration: this.iteration,
      envSteps: this.envSteps,
      updates: this.learner.steps,
      wallSeconds: this.wallSeconds(),
      episodes: episodes.length,
      returnMean: mean(this.recent.map((e) => e.return)),
      successRate: mean(this.recent.map((e) => (e.success ? 1 : 0))),
      qScale: this.qScale,
      ...(statCount ? Object.fromEntries(WORLD_MODEL_STATS.map((s) => [s, sums[s]! / statCount])) : {}),
      envStepsPerSecond: (N * this.episodeSteps) / Math.max(envSeconds, 1e-9),
      updatesPerSecond: updates / Math.max(seconds - envSeconds - planSeconds, 1e-9),
      ...(planned ? { planMsPerAction: (1000 * planSeconds) / planned } : {}),
    };
  }

  /** Actions in [−1, 1] for every environment: random while seeding, then planned (or the prior's). */
  private async act(obs: Float32Array): Promise<Float32Array> {
    const N = this.options.envs;
    const { obsDim: D, actionDim: A } = this.spec;
    if (this.envSteps < this.seedSteps) return Float32Array.from({ length: N * A }, () => 2 * this.random.uniform() - 1);
    if (!this.planning) return this.learner.act(obs, Float32Array.from({ length: N * A }, () => this.random.normal()), N);
    const out = new Float32Array(N * A);
    for (let i = 0; i < N; i++) {
      const plan = await this.planning.planners[i]!.plan(obs.subarray(i * D, (i + 1) * D), this.planning.settings);
      // TD-MPC2 explores in training with the first step's std around the chosen action.
      for (let j = 0; j < A; j++) out[i * A + j] = Math.min(1, Math.max(-1, plan.action[j]! + plan.std[j]! * this.random.normal()));
    }
    return out;
  }

  /** A fresh plan (no warm start) on a random stream seeded from the run's. */
  private restartPlanner(i: number): void {
    this.planning?.planners[i]!.reset(Math.floor(this.random.uniform() * 2 ** 32));
  }

  /** One learner step; Q's scale in the policy loss follows |mean Q| (TD-MPC2 tracks its 5–95 % range), never below 1. */
  private async update(): Promise<Record<WorldModelStat, number>> {
    const batch = this.buffer.sample(this.options.batchSize, this.options.horizon, this.random);
    const stats = await this.learner.step(batch, { ...this.hyper, qScale: this.qScale }, () => this.random.normal());
    this.onUpdate?.(stats);
    if (Number.isFinite(stats.q_mean)) this.qScale = Math.max(1, this.qScale + this.options.targetRate * (Math.abs(stats.q_mean) - this.qScale));
    return stats;
  }

  wallSeconds(): number {
    return this.wallBefore + (performance.now() - this.started) / 1000;
  }

  async checkpoint(): Promise<WorldModelCheckpoint> {
    return {
      algorithm: 'world-model',
      options: this.options,
      taskParams: this.taskParams,
      spec: this.spec,
      learner: this.learner.snapshot(),
      buffer: this.buffer.save(),
      envSteps: this.envSteps,
      iteration: this.iteration,
      wallSeconds: this.wallSeconds(),
      qScale: this.qScale,
      random: this.random.save(),
      recent: this.recent,
      ...(this.obs ? { continuation: { envs: await this.envs.snapshot(), obs: this.obs.slice() } } : {}),
    };
  }

  export(metrics: Record<string, number>, name?: string): ExportedWorldModel {
    const { latentDim, hidden, qHeads, batchSize, horizon, rho, learningRate, consistencyCoef, rewardCoef, valueCoef, entropyCoef, targetRate, updatesPerStep, planSamples, planIterations } = this.options;
    return exportWorldModel(this.learner.parameters(), {
      spec: this.spec,
      discount: this.hyper.discount,
      actionLow: this.actionLow,
      actionHigh: this.actionHigh,
      provenance: {
        task: this.options.taskId,
        taskParams: this.taskParams,
        algorithm: 'world-model',
        envSteps: this.envSteps,
        wallSeconds: this.wallSeconds(),
        seed: this.options.seed,
        metrics,
        hyper: { latentDim, hidden: hidden.length, qHeads, batchSize, horizon, rho, planning: this.planning ? 1 : 0, planSamples, planIterations, learningRate, consistencyCoef, rewardCoef, valueCoef, entropyCoef, targetRate, updatesPerStep, seedSteps: this.seedSteps, discount: this.hyper.discount, updates: this.learner.steps },
      },
      ...(name ? { name } : {}),
    });
  }

  async dispose(): Promise<void> {
    await this.envs.dispose();
    await this.planning?.model.dispose();
    await this.learner.dispose();
  }
}
