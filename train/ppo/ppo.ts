/**
 * PPO as rsl_rl writes it, with its defaults: clipped surrogate, clipped value loss, entropy bonus,
 * GAE, several epochs of shuffled minibatches, grad-norm clipping and a learning rate adapted to keep
 * the KL divergence near its target. The maths of one step is the learner graph's
 * (train/learner/ppo-step-graph.ts); this file decides what goes into each step.
 */
import { Random, type RandomState } from '../../sim/random.ts';
import type { LearnerClient } from '../learner/learner-client.ts';
import type { Minibatch } from '../learner/learner.ts';
import type { StepStat } from '../learner/ppo-step-graph.ts';
import type { RolloutStorage } from './rollout-storage.ts';

export interface PpoConfig {
  /** Discount factor γ. */
  gamma: number;
  /** GAE λ: trades the variance of Monte-Carlo returns against the bias of bootstrapping. */
  lambda: number;
  /** Surrogate and value clip ε. */
  clipParam: number;
  /** Passes over each rollout. */
  epochs: number;
  /** Minibatches per pass. */
  minibatches: number;
  /** Adam learning rate (adapted between 1e-5 and 1e-2 when `desiredKl` is set). */
  learningRate: number;
  /** Target KL per update for the adaptive schedule (undefined: fixed learning rate). */
  desiredKl: number | undefined;
  valueCoef: number;
  entropyCoef: number;
  maxGradNorm: number;
  /** Environment steps per environment per iteration. */
  stepsPerEnv: number;
}

export const PPO_DEFAULTS: PpoConfig = {
  gamma: 0.99,
  lambda: 0.95,
  clipParam: 0.2,
  epochs: 5,
  minibatches: 4,
  learningRate: 1e-3,
  desiredKl: 0.01,
  valueCoef: 1.0,
  entropyCoef: 0.01,
  maxGradNorm: 1.0,
  stepsPerEnv: 24,
};

export interface UpdateStats extends Record<StepStat, number> {
  /**
   * The mean of the rates this update's steps used: the adaptive schedule changes it every minibatch
   * (up on the first ones of a pass, down on the last), so the rate after the update says little.
   */
  learningRate: number;
  /** 1 − Var(R − V)/Var(R) over the rollout, before the update. */
  explainedVariance: number;
  /** Minibatch samples per second through the learner. */
  learnerSamplesPerSecond: number;
}

export class Ppo {
  learningRate: number;
  /** Draws the minibatch order; saved in checkpoints so a resumed run shuffles as the original. */
  readonly shuffle: Random;

  constructor(
    readonly config: PpoConfig,
    seed: number,
    shuffle?: RandomState,
  ) {
    this.learningRate = config.learningRate;
    this.shuffle = shuffle ? Random.resume(shuffle) : new Random(seed ^ 0x5eed);
  }

  async update(storage: RolloutStorage, learner: Pick<LearnerClient, 'step'>, oldLogStd: Float32Array): Promise<UpdateStats> {
    const c = this.config;
    const explainedVariance = explained(storage.returns, storage.values);
    storage.normalizeAdvantages();
    const n = storage.size;
    const size = Math.floor(n / c.minibatches);
    const sums: Record<string, number> = {};
    let count = 0;
    let learningRateSum = 0;
    const t0 = performance.now();
    for (let epoch = 0; epoch < c.epochs; epoch++) {
      const order = permutation(n, this.shuffle);
      for (let b = 0; b < c.minibatches; b++) {
        const batch = gather(storage, order.subarray(b * size, (b + 1) * size), oldLogStd);
        const stats = await learner.step(batch, { learningRate: this.learningRate, clipParam: c.clipParam, valueCoef: c.valueCoef, entropyCoef: c.entropyCoef, maxGradNorm: c.maxGradNorm });
        learningRateSum += this.learningRate;
        // rsl_rl's adaptive schedule: shrink the step when the policy moved too far, grow it when too little.
        if (c.desiredKl !== undefined) {
          if (stats.kl > 2 * c.desiredKl) this.learningRate = Math.max(1e-5, this.learningRate / 1.5);
          else if (stats.kl < c.desiredKl / 2 && stats.kl > 0) this.learningRate = Math.min(1e-2, this.learningRate * 1.5);
        }
        for (const [k, v] of Object.entries(stats)) sums[k] = (sums[k] ?? 0) + v;
        count++;
      }
    }
    const seconds = (performance.now() - t0) / 1000;
    const mean = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / count])) as Record<StepStat, number>;
    return { ...mean, learningRate: learningRateSum / count, explainedVariance, learnerSamplesPerSecond: (count * size) / seconds };
  }
}

function explained(returns: Float32Array, values: Float32Array): number {
  let mr = 0;
  let md = 0;
  const n = returns.length;
  for (let i = 0; i < n; i++) {
    mr += returns[i]!;
    md += returns[i]! - values[i]!;
  }
  mr /= n;
  md /= n;
  let vr = 0;
  let vd = 0;
  for (let i = 0; i < n; i++) {
    vr += (returns[i]! - mr) ** 2;
    vd += (returns[i]! - values[i]! - md) ** 2;
  }
  return vr > 0 ? 1 - vd / vr : 0;
}

function permutation(n: number, random: Random): Uint32Array {
  const p = Uint32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random.uniform() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

function gather(s: RolloutStorage, idx: Uint32Array, oldLogStd: Float32Array): Minibatch {
  const m = idx.length;
  const D = s.obsDim;
  const A = s.actionDim;
  const b: Minibatch = {
    size: m,
    obs: new Float32Array(m * D),
    actions: new Float32Array(m * A),
    oldLogProb: new Float32Array(m),
    advantages: new Float32Array(m),
    returns: new Float32Array(m),
    oldValues: new Float32Array(m),
    oldMu: new Float32Array(m * A),
    oldLogStd,
  };
  for (let k = 0; k < m; k++) {
    const i = idx[k]!;
    b.obs.set(s.obs.subarray(i * D, (i + 1) * D), k * D);
    b.actions.set(s.actions.subarray(i * A, (i + 1) * A), k * A);
    b.oldMu.set(s.mu.subarray(i * A, (i + 1) * A), k * A);
    b.oldLogProb[k] = s.logProbs[i]!;
    b.advantages[k] = s.advantages[i]!;
    b.returns[k] = s.returns[i]!;
    b.oldValues[k] = s.values[i]!;
  }
  return b;
}
