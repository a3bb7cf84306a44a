/**
 * The PPO training loop (rsl_rl's OnPolicyRunner): collect stepsPerEnv steps from every environment,
 * compute returns, update, report. Environments run on worker threads (train/env/vec-env-pool.ts),
 * the learner on its own (train/learner/learner-client.ts); this thread only routes arrays.
 */
import { Random, type RandomState } from '../../sim/random.ts';
import { DEFAULT_HIDDEN, initParameters, type ActorCriticSpec } from '../actor-critic.ts';
import { taskRandomization } from '../env/domain-randomization.ts';
import { buildTask } from '../env/task-build.ts';
import { VecEnvPool } from '../env/vec-env-pool.ts';
import type { EnvSnapshot } from '../env/vec-env.ts';
import { exportPolicy, type ExportedPolicy } from '../export/policy-export.ts';
import { LearnerClient } from '../learner/learner-client.ts';
import { freshLearnerState, type LearnerState } from '../learner/learner.ts';
import { policyLayout, type PolicyLayout } from '../policy-layout.ts';
import { NORMALIZED_CLIP, ObservationNormalizer, RewardScaler } from './normalizer.ts';
import { Ppo, PPO_DEFAULTS, type PpoConfig } from './ppo.ts';
import { RolloutStorage } from './rollout-storage.ts';

export interface RunnerOptions {
  taskId: string;
  taskParams?: Record<string, unknown>;
  envs: number;
  workers: number;
  seed: number;
  ppo?: Partial<PpoConfig>;
  hidden?: number[];
  initNoiseStd?: number;
  /** Training episode length in seconds (default: the task's); see VecEnvOptions.episodeSeconds. */
  episodeSeconds?: number;
  /** Train with the task's domain randomization (train/env/domain-randomization.ts). */
  randomize?: boolean;
  /** Continue from a checkpoint (its network, optimiser, normaliser, learning rate and counters). */
  resume?: Checkpoint;
}

/** Everything needed to continue a run. */
export interface Checkpoint {
  taskId: string;
  taskParams: Record<string, unknown>;
  spec: ActorCriticSpec;
  learner: LearnerState;
  normalizer: { mean: number[]; var: number[]; count: number };
  rewardScale: { mean: number[]; var: number[]; count: number };
  learningRate: number;
  iteration: number;
  envSteps: number;
  wallSeconds: number;
  seed: number;
  /** The run's training episode length, when not the task's. */
  episodeSeconds?: number;
  /** Environment steps per environment per iteration (absent in older checkpoints). */
  stepsPerEnv?: number;
  /** The run trained with domain randomization. */
  randomize?: boolean;
  /** The run kept its learning rate fixed (absent: the KL-adaptive schedule). */
  learningRateSchedule?: 'fixed';
  /**
   * Where the rollout stood: a run resumed with as many environments continues exactly as the
   * uninterrupted run would have (older checkpoints lack it: those continue on fresh episodes).
   */
  continuation?: Continuation;
}

export interface Continuation {
  envs: EnvSnapshot[];
  /** The network inputs the next step acts on. */
  features: number[];
  actionNoise: RandomState;
  shuffle: RandomState;
  /** The episodes the headline numbers are smoothed over. */
  recent: RecentEpisode[];
}

type RecentEpisode = { return: number; length: number; success: boolean };

/** One line of metrics.jsonl. */
export interface IterationMetrics {
  iteration: number;
  envSteps: number;
  wallSeconds: number;
  /** Episodes that ended during this iteration. */
  episodes: number;
  returnMean: number | null;
  episodeLength: number | null;
  successRate: number | null;
  surrogateLoss: number;
  valueLoss: number;
  entropy: number;
  approxKl: number;
  clipFraction: number;
  explainedVariance: number;
  learningRate: number;
  actionStd: number;
  envStepsPerSecond: number;
  learnerSamplesPerSecond: number;
}

export class PpoRunner {
  iteration: number;
  envSteps: number;
  private wallBefore: number;
  private readonly started = performance.now();
  private features: Float32Array | undefined;
  private readonly storage: RolloutStorage;
  private readonly random: Random;
  /** The last iterations' episodes, for smoothed headline numbers. */
  private recent: RecentEpisode[];
  private readonly rewardScaler: RewardScaler;

  private constructor(
    readonly options: RunnerOptions,
    readonly taskParams: Record<string, unknown>,
    readonly layout: PolicyLayout,
    readonly spec: ActorCriticSpec,
    readonly config: PpoConfig,
    private readonly envs: VecEnvPool,
    private readonly learner: LearnerClient,
    readonly normalizer: ObservationNormalizer,
    private readonly ppo: Ppo,
  ) {
    this.storage = new RolloutStorage(config.stepsPerEnv, options.envs, spec.obsDim, spec.actionDim);
    this.rewardScaler = new RewardScaler(options.envs, config.gamma);
    if (options.resume) this.rewardScaler.restore(options.resume.rewardScale);
    this.iteration = options.resume?.iteration ?? 0;
    this.envSteps = options.resume?.envSteps ?? 0;
    this.wallBefore = options.resume?.wallSeconds ?? 0;
    const cont = continuationFor(options);
    this.features = cont && Float32Array.from(cont.features);
    this.recent = cont?.recent ?? [];
    // Without a continuation, a resumed run draws fresh action noise from where the iteration count says.
    this.random = cont ? Random.resume(cont.actionNoise) : new Random((options.seed * 2654435761 + this.iteration) >>> 0);
  }

  static async create(options: RunnerOptions): Promise<PpoRunner> {
    const { task, values } = buildTask(options.taskId, options.taskParams ?? options.resume?.taskParams);
    const layout = policyLayout(task);
    const config = { ...PPO_DEFAULTS, ...options.ppo };
    const spec: ActorCriticSpec = options.resume?.spec ?? {
      obsDim: layout.featureDim,
      actionDim: layout.actionDim,
      actorHidden: options.hidden ?? DEFAULT_HIDDEN,
      criticHidden: options.hidden ?? DEFAULT_HIDDEN,
      initNoiseStd: options.initNoiseStd ?? 1,
    };
    if (spec.obsDim !== layout.featureDim || spec.actionDim !== layout.actionDim) {
      throw new Error(`checkpoint: network takes ${spec.obsDim} inputs and gives ${spec.actionDim} actions, task '${options.taskId}' has ${layout.featureDim} and ${layout.actionDim}`);
    }
    const state = options.resume?.learner ?? freshLearnerState(initParameters(spec, new Random(options.seed)));
    const normalizer = options.resume ? ObservationNormalizer.fromJSON(spec.obsDim, options.resume.normalizer) : new ObservationNormalizer(spec.obsDim);
    const learner = await LearnerClient.create(spec, state);
    const cont = continuationFor(options);
    let envs: VecEnvPool;
    try {
      const env = {
        staggerEpisodes: true,
        ...(options.episodeSeconds === undefined ? {} : { episodeSeconds: options.episodeSeconds }),
        ...(options.randomize ? { randomization: taskRandomization(options.taskId) } : {}),
      };
      // Resumed without a continuation, the environments start fresh episodes on a seed of their own.
      const seed = options.seed + (cont ? 0 : (options.resume?.iteration ?? 0));
      envs = await VecEnvPool.create({ taskId: options.taskId, taskParams: values, envs: options.envs, workers: options.workers, seed, featureDim: spec.obsDim, actionDim: spec.actionDim, env });
      if (cont) await envs.restore(cont.envs);
    } catch (err) {
      await learner.dispose();
      throw err;
    }
    const ppo = new Ppo(config, options.seed, cont?.shuffle);
    // A resumed run goes on at the rate it stopped at, unless given one.
    if (options.resume && options.ppo?.learningRate === undefined) ppo.learningRate = options.resume.learningRate;
    return new PpoRunner(options, values, layout, spec, config, envs, learner, normalizer, ppo);
  }

  /** Collects one rollout and updates the policy on it. */
  async iterate(): Promise<IterationMetrics> {
    const { storage, config: c, normalizer } = this;
    const N = this.options.envs;
    const A = this.spec.actionDim;
    const D = this.spec.obsDim;
    this.features ??= await this.envs.reset();
    storage.clear();
    const episodes: { return: number; length: number; success: boolean }[] = [];
    const t0 = performance.now();
    for (let t = 0; t < c.stepsPerEnv; t++) {
      normalizer.update(this.features, N);
      const obs = normalizer.normalize(this.features, N);
      const { mu, value } = await this.learner.act(obs, N);
      const logStd = this.learner.logStd;
      const base = t * N;
      storage.obs.set(obs, base * D);
      storage.mu.set(mu, base * A);
      storage.values.set(value, base);
      const actions = new Float32Array(N * A);
      for (let i = 0; i < N; i++) {
        // a ~ N(μ, σ²);  log π(a) = Σ (−½ε² − log σ − ½ log 2π)
        let logProb = 0;
        for (let a = 0; a < A; a++) {
          const eps = this.random.normal();
          actions[i * A + a] = mu[i * A + a]! + Math.exp(logStd[a]!) * eps;
          logProb += -0.5 * eps * eps - logStd[a]! - 0.5 * Math.log(2 * Math.PI);
        }
        storage.logProbs[base + i] = logProb;
      }
      storage.actions.set(actions, base * A);
      const r = await this.envs.step(actions);
      const rewards = r.rewards;
      const ends = r.terminated.map((x, i) => x | r.truncated[i]!);
      this.rewardScaler.scale(rewards, ends);
      // Time-limit truncation is not failure: bootstrap with γ·V(final state) (the final observation,
      // not the reset one that follows it).
      const truncated = [...r.truncated.keys()].filter((i) => r.truncated[i]);
      if (truncated.length) {
        const finals = new Float32Array(truncated.length * D);
        truncated.forEach((i, k) => finals.set(r.finalFeatures.subarray(i * D, (i + 1) * D), k * D));
        const { value: finalValues } = await this.learner.act(normalizer.normalize(finals, truncated.length), truncated.length);
        truncated.forEach((i, k) => (rewards[i] = rewards[i]! + c.gamma * finalValues[k]!));
      }
      storage.rewards.set(rewards, base);
      storage.episodeEnds.set(ends, base);
      // Staggered first episodes were cut short: they train, but are no score.
      episodes.push(...r.episodes.filter((e) => !e.partial));
      this.features = r.features;
    }
    const { value: lastValues } = await this.learner.act(normalizer.normalize(this.features, N), N);
    storage.computeReturns(lastValues, c.gamma, c.lambda);
    const collectSeconds = (performance.now() - t0) / 1000;
    const oldLogStd = this.learner.logStd.slice();
    const stats = await this.ppo.update(storage, this.learner, oldLogStd);
    this.iteration++;
    this.envSteps += N * c.stepsPerEnv;
    this.recent = [...this.recent, ...episodes].slice(-Math.max(N, 20));
    const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);
    return {
      iteration: this.iteration,
      envSteps: this.envSteps,
      wallSeconds: this.wallSeconds(),
      episodes: episodes.length,
      returnMean: mean(this.recent.map((e) => e.return)),
      episodeLength: mean(this.recent.map((e) => e.length)),
      successRate: mean(this.recent.map((e) => (e.success ? 1 : 0))),
      surrogateLoss: stats.surrogate_loss,
      valueLoss: stats.value_loss,
      entropy: stats.entropy,
      approxKl: stats.kl,
      clipFraction: stats.clip_fraction,
      explainedVariance: stats.explainedVariance,
      learningRate: stats.learningRate,
      actionStd: mean(Array.from(this.learner.logStd, Math.exp))!,
      envStepsPerSecond: (N * c.stepsPerEnv) / collectSeconds,
      learnerSamplesPerSecond: stats.learnerSamplesPerSecond,
    };
  }

  wallSeconds(): number {
    return this.wallBefore + (performance.now() - this.started) / 1000;
  }

  async checkpoint(): Promise<Checkpoint> {
    return {
      taskId: this.options.taskId,
      taskParams: this.taskParams,
      spec: this.spec,
      learner: await this.learner.snapshot(),
      normalizer: this.normalizer.toJSON(),
      rewardScale: this.rewardScaler.toJSON(true),
      learningRate: this.ppo.learningRate,
      iteration: this.iteration,
      envSteps: this.envSteps,
      wallSeconds: this.wallSeconds(),
      seed: this.options.seed,
      ...(this.options.episodeSeconds === undefined ? {} : { episodeSeconds: this.options.episodeSeconds }),
      stepsPerEnv: this.config.stepsPerEnv,
      ...(this.options.randomize ? { randomize: true } : {}),
      ...(this.config.desiredKl === undefined ? { learningRateSchedule: 'fixed' as const } : {}),
      ...(this.features
        ? { continuation: { envs: await this.envs.snapshot(), features: Array.from(this.features), actionNoise: this.random.save(), shuffle: this.ppo.shuffle.save(), recent: this.recent } }
        : {}),
    };
  }

  async export(metrics: Record<string, number>, name = 'policy'): Promise<ExportedPolicy> {
    const state = await this.learner.snapshot();
    return exportPolicy(this.spec, this.layout, state.params, { mean: this.normalizer.mean, std: this.normalizer.std(), clip: NORMALIZED_CLIP }, {
      task: this.options.taskId,
      taskParams: this.taskParams,
      algorithm: 'ppo',
      envSteps: this.envSteps,
      wallSeconds: this.wallSeconds(),
      seed: this.options.seed,
      metrics,
    }, name);
  }

  async dispose(): Promise<void> {
    await this.envs.dispose();
    await this.learner.dispose();
  }
}

/** The resumed checkpoint's continuation, when it fits this run (as many environments). */
function continuationFor(options: RunnerOptions): Continuation | undefined {
  const cont = options.resume?.continuation;
  return cont?.envs.length === options.envs ? cont : undefined;
}
