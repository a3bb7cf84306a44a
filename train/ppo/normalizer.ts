/**
 * Running mean and variance of the observations (rsl_rl's EmpiricalNormalization): y = (x − μ)/(σ + ε).
 * Updated from every batch the policy acts on; frozen into the exported policy graph.
 */
export const NORMALIZER_EPS = 1e-2;
/**
 * Normalised values are clipped to ±10 (Stable-Baselines' VecNormalize): a feature that barely varied
 * so far (cos of a pole that started upright) would otherwise reach the network as ±100 when it first
 * moves, and a tiny weight change would swing the policy.
 */
export const NORMALIZED_CLIP = 10;

export class ObservationNormalizer {
  mean: Float64Array;
  var: Float64Array;
  count = 0;

  constructor(readonly dim: number) {
    this.mean = new Float64Array(dim);
    this.var = new Float64Array(dim).fill(1);
  }

  /** Merges a batch of n rows (Chan et al.'s parallel update of mean and variance). */
  update(x: Float32Array, n: number): void {
    if (n === 0) return;
    const d = this.dim;
    const total = this.count + n;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += x[i * d + j]!;
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (x[i * d + j]! - m) ** 2;
      v /= n;
      const delta = m - this.mean[j]!;
      const oldVar = this.count === 0 ? 0 : this.var[j]!;
      this.mean[j] = this.mean[j]! + (delta * n) / total;
      this.var[j] = (oldVar * this.count + v * n + (delta * delta * this.count * n) / total) / total;
    }
    this.count = total;
  }

  normalize(x: Float32Array, n: number, out = new Float32Array(n * this.dim)): Float32Array {
    const d = this.dim;
    for (let j = 0; j < d; j++) {
      const m = this.mean[j]!;
      const s = Math.sqrt(this.var[j]!) + NORMALIZER_EPS;
      for (let i = 0; i < n; i++) out[i * d + j] = Math.min(NORMALIZED_CLIP, Math.max(-NORMALIZED_CLIP, (x[i * d + j]! - m) / s));
    }
    return out;
  }

  std(): Float64Array {
    return this.var.map((v) => Math.sqrt(v) + NORMALIZER_EPS);
  }

  toJSON(): { mean: number[]; var: number[]; count: number } {
    return { mean: Array.from(this.mean), var: Array.from(this.var), count: this.count };
  }

  static fromJSON(dim: number, j: { mean: number[]; var: number[]; count: number }): ObservationNormalizer {
    if (j.mean.length !== dim || j.var.length !== dim) throw new Error(`normalizer: ${j.mean.length} entries, the network takes ${dim}`);
    const n = new ObservationNormalizer(dim);
    n.mean = Float64Array.from(j.mean);
    n.var = Float64Array.from(j.var);
    n.count = j.count;
    return n;
  }
}

/**
 * Reward scaling by the running standard deviation of the discounted return (Engstrom et al. 2020,
 * CleanRL's NormalizeReward): keeps value targets near unit scale whatever the task's cost weights,
 * so the value loss does not drown the policy gradient under the shared grad-norm clip.
 */
export class RewardScaler {
  private readonly discounted: Float64Array;
  private readonly stats = new ObservationNormalizer(1);

  constructor(envs: number, private readonly gamma: number) {
    this.discounted = new Float64Array(envs);
  }

  /** Scales `rewards` in place; `ends` marks environments whose episode ended with this reward. */
  scale(rewards: Float32Array, ends: Uint8Array): void {
    const n = rewards.length;
    for (let i = 0; i < n; i++) this.discounted[i] = this.discounted[i]! * this.gamma + rewards[i]!;
    this.stats.update(Float32Array.from(this.discounted), n);
    const std = Math.sqrt(this.stats.var[0]! + 1e-8);
    for (let i = 0; i < n; i++) {
      rewards[i] = rewards[i]! / std;
      if (ends[i]) this.discounted[i] = 0;
    }
  }

  get std(): number {
    return Math.sqrt(this.stats.var[0]! + 1e-8);
  }

  /** The return statistics, and each environment's running discounted return when `withReturns`. */
  toJSON(withReturns = false): { mean: number[]; var: number[]; count: number; returns?: number[] } {
    return { ...this.stats.toJSON(), ...(withReturns ? { returns: Array.from(this.discounted) } : {}) };
  }

  restore(j: { mean: number[]; var: number[]; count: number; returns?: number[] }): void {
    const s = ObservationNormalizer.fromJSON(1, j);
    this.stats.mean = s.mean;
    this.stats.var = s.var;
    this.stats.count = s.count;
    if (j.returns?.length === this.discounted.length) this.discounted.set(j.returns);
  }
}
