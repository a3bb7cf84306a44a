/**
 * What one PPO iteration collects: T steps × N environments of (observation, action, reward, done,
 * value, log-probability, policy mean), then returns and advantages by GAE.
 */
export class RolloutStorage {
  readonly obs: Float32Array;
  readonly actions: Float32Array;
  readonly mu: Float32Array;
  readonly rewards: Float32Array;
  /** 1 where an episode ended after this step for any reason (the next step starts a new one). */
  readonly episodeEnds: Uint8Array;
  readonly values: Float32Array;
  readonly logProbs: Float32Array;
  readonly returns: Float32Array;
  readonly advantages: Float32Array;
  step = 0;

  constructor(
    readonly steps: number,
    readonly envs: number,
    readonly obsDim: number,
    readonly actionDim: number,
  ) {
    const n = steps * envs;
    this.obs = new Float32Array(n * obsDim);
    this.actions = new Float32Array(n * actionDim);
    this.mu = new Float32Array(n * actionDim);
    this.rewards = new Float32Array(n);
    this.episodeEnds = new Uint8Array(n);
    this.values = new Float32Array(n);
    this.logProbs = new Float32Array(n);
    this.returns = new Float32Array(n);
    this.advantages = new Float32Array(n);
  }

  get size(): number {
    return this.steps * this.envs;
  }

  clear(): void {
    this.step = 0;
  }

  /**
   * Generalised advantage estimation, backwards in time:
   *   δ_t = r_t + γ·V(s_{t+1})·(1 − done_t) − V(s_t)
   *   A_t = δ_t + γλ·(1 − end_t)·A_{t+1},   R_t = A_t + V(s_t)
   * `lastValues` are V of the observations after the last step. Truncated episodes have already had
   * γ·V(final state) added to their last reward, so only termination zeroes the bootstrap here.
   */
  computeReturns(lastValues: Float32Array, gamma: number, lambda: number): void {
    const N = this.envs;
    for (let e = 0; e < N; e++) {
      let advantage = 0;
      for (let t = this.steps - 1; t >= 0; t--) {
        const i = t * N + e;
        const end = this.episodeEnds[i]!;
        const nextValue = end ? 0 : t === this.steps - 1 ? lastValues[e]! : this.values[i + N]!;
        const delta = this.rewards[i]! + gamma * nextValue - this.values[i]!;
        advantage = delta + gamma * lambda * (end ? 0 : 1) * advantage;
        this.advantages[i] = advantage;
        this.returns[i] = advantage + this.values[i]!;
      }
    }
  }

  /** Normalises the advantages over the whole batch (zero mean, unit variance). */
  normalizeAdvantages(): void {
    const n = this.size;
    let mean = 0;
    for (let i = 0; i < n; i++) mean += this.advantages[i]!;
    mean /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (this.advantages[i]! - mean) ** 2;
    const std = Math.sqrt(v / Math.max(1, n - 1)) + 1e-8;
    for (let i = 0; i < n; i++) this.advantages[i] = (this.advantages[i]! - mean) / std;
  }
}
