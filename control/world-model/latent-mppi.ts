/**
 * TD-MPC2's planner (Hansen et al. 2024, `TDMPC2.plan`): MPPI in latent space.
 *
 *   z0 = h(obs)
 *   P policy-prior trajectories: a_t = π(z_t), z_{t+1} = d(z_t, a_t)
 *   mean_t = previous mean shifted by one step (warm start), std_t = maxStd
 *   repeat `iterations` times:
 *     N − P samples a_t ~ clamp(mean_t + std_t · N(0, 1), −1, 1); plus the P prior trajectories
 *     G = Σ_t γ^t R(z_t, a_t) + γ^H Q(z_H, π(z_H))            (one batched call per function per step)
 *     elites = top E by G;  s_k = exp(τ · (G_k − max G)),  normalized
 *     mean = Σ s_k a_k,  std = clamp(√(Σ s_k (a_k − mean)²), minStd, maxStd)
 *   act: an elite drawn by score (TD-MPC2) or the score-weighted mean; its first action.
 *
 * Note τ multiplies the value differences (TD-MPC2's `temperature`), unlike the MPPI λ that divides.
 */
import type { ParamSpec, ParamValues } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import type { LatentModel } from './latent-model.ts';

/** TD-MPC2's defaults (tdmpc2/config.yaml). */
export const LATENT_MPPI_PARAMS: ParamSpec[] = [
  { kind: 'number', key: 'horizon', label: 'Horizon', default: 3, min: 1, max: 32, step: 1, integer: true, unit: 'steps' },
  { kind: 'number', key: 'iterations', label: 'Iterations', default: 6, min: 1, max: 32, step: 1, integer: true },
  { kind: 'number', key: 'samples', label: 'Samples', default: 512, min: 2, max: 8192, step: 1, integer: true, help: 'trajectories per iteration, prior trajectories included' },
  { kind: 'number', key: 'elites', label: 'Elites', default: 64, min: 1, max: 4096, step: 1, integer: true },
  { kind: 'number', key: 'policyTrajectories', label: 'Policy trajectories', default: 24, min: 0, max: 1024, step: 1, integer: true, help: 'samples that follow the policy prior' },
  { kind: 'number', key: 'temperature', label: 'Temperature τ', default: 0.5, min: 0.001, max: 100, step: 0.01, log: true, help: 'score = exp(τ·(value − best)); higher = greedier' },
  { kind: 'number', key: 'minStd', label: 'Min std', default: 0.05, min: 0, max: 2, step: 0.01 },
  { kind: 'number', key: 'maxStd', label: 'Max std', default: 2, min: 0.01, max: 4, step: 0.01 },
  { kind: 'number', key: 'discount', label: 'Discount γ', default: 0.99, min: 0.5, max: 1, step: 0.001 },
  { kind: 'choice', key: 'warmStart', label: 'Warm start', default: 'on', options: ['on', 'off'], help: 'start from the last plan shifted by one step' },
  { kind: 'choice', key: 'selection', label: 'Action', default: 'elite-sample', options: ['elite-sample', 'mean'], help: 'TD-MPC2 draws an elite by score; mean = score-weighted elite mean' },
  { kind: 'choice', key: 'qReduce', label: 'Q ensemble', default: 'mean', options: ['mean', 'min'] },
];

export interface PlanResult {
  /** First action, in [−1, 1]. */
  action: Float32Array;
  /** Score-weighted elite mean over the horizon [H, A]. */
  mean: Float32Array;
  std: Float32Array;
  bestValue: number;
  modelCalls: number;
}

export class LatentMppi {
  private random = new Random(0);
  private prevMean: Float32Array | undefined;
  private prevHorizon = 0;
  private calls = 0;

  constructor(private readonly model: LatentModel) {}

  reset(seed: number): void {
    this.random = new Random(seed);
    this.prevMean = undefined;
  }

  async plan(obs: ArrayLike<number>, settings: ParamValues): Promise<PlanResult> {
    const m = this.model;
    const A = m.actionDim;
    const H = settings.horizon as number;
    const N = settings.samples as number;
    const P = Math.min(settings.policyTrajectories as number, N - 1);
    const E = Math.min(settings.elites as number, N);
    const tau = settings.temperature as number;
    const minStd = settings.minStd as number;
    const maxStd = Math.max(settings.maxStd as number, minStd);
    this.calls = 0;

    const z0 = await m.encode(obs);
    this.calls++;
    // actions[t][k·A + j]: step t, sample k, action entry j.
    const actions = Array.from({ length: H }, () => new Float32Array(N * A));
    if (P > 0) {
      let z = repeat(z0, P);
      for (let t = 0; t < H; t++) {
        const a = await this.policyActions(z, P);
        actions[t]!.set(a);
        if (t < H - 1) {
          z = await m.next(z, a, P);
          this.calls++;
        }
      }
    }
    const mean = new Float32Array(H * A);
    const std = new Float32Array(H * A).fill(maxStd);
    if (settings.warmStart === 'on' && this.prevMean && this.prevHorizon === H) mean.set(this.prevMean.subarray(A, H * A));
    const zN = repeat(z0, N);
    const eliteIdx = new Int32Array(E);
    const score = new Float64Array(E);
    let bestValue = -Infinity;
    for (let it = 0; it < (settings.iterations as number); it++) {
      for (let t = 0; t < H; t++) {
        const at = actions[t]!;
        for (let k = P; k < N; k++) {
          for (let j = 0; j < A; j++) {
            const v = mean[t * A + j]! + std[t * A + j]! * this.random.normal();
            at[k * A + j] = Math.min(1, Math.max(-1, v));
          }
        }
      }
      const value = await this.estimateValue(zN, actions, N, settings);
      // Elites: the E highest values (NaN counts as 0, as TD-MPC2's nan_to_num).
      const order = Array.from({ length: N }, (_, k) => k).sort((a, b) => clean(value[b]!) - clean(value[a]!));
      for (let e = 0; e < E; e++) eliteIdx[e] = order[e]!;
      const maxV = clean(value[eliteIdx[0]!]!);
      bestValue = maxV;
      let total = 0;
      for (let e = 0; e < E; e++) total += score[e] = Math.exp(tau * (clean(value[eliteIdx[e]!]!) - maxV));
      for (let e = 0; e < E; e++) score[e]! /= total;
      for (let t = 0; t < H; t++) {
        const at = actions[t]!;
        for (let j = 0; j < A; j++) {
          let mu = 0;
          for (let e = 0; e < E; e++) mu += score[e]! * at[eliteIdx[e]! * A + j]!;
          let varSum = 0;
          for (let e = 0; e < E; e++) varSum += score[e]! * (at[eliteIdx[e]! * A + j]! - mu) ** 2;
          mean[t * A + j] = mu;
          std[t * A + j] = Math.min(maxStd, Math.max(minStd, Math.sqrt(varSum)));
        }
      }
    }
    const action = new Float32Array(A);
    if (settings.selection === 'mean') action.set(mean.subarray(0, A));
    else {
      // Draw an elite with probability = score (TD-MPC2 uses the Gumbel-max trick for the same draw).
      let u = this.random.uniform();
      let pick = E - 1;
      for (let e = 0; e < E; e++) {
        u -= score[e]!;
        if (u <= 0) {
          pick = e;
          break;
        }
      }
      action.set(actions[0]!.subarray(eliteIdx[pick]! * A, eliteIdx[pick]! * A + A));
    }
    this.prevMean = mean;
    this.prevHorizon = H;
    return { action, mean, std, bestValue, modelCalls: this.calls };
  }

  /** G = Σ_t γ^t R(z_t, a_t) + γ^H Q(z_H, π(z_H)) for every sample (in one call when the model has a rollout-value graph of this horizon). */
  private async estimateValue(z0: Float32Array, actions: Float32Array[], N: number, settings: ParamValues): Promise<Float64Array> {
    const m = this.model;
    const gamma = settings.discount as number;
    if (m.rolloutValue?.horizon === actions.length) {
      const flat = new Float32Array(actions.length * N * m.actionDim);
      actions.forEach((a, t) => flat.set(a, t * a.length));
      // The same draws as policyActions makes for π(z_H) on the other path.
      const noise = Float32Array.from({ length: N * m.actionDim }, () => this.random.normal());
      this.calls++;
      return Float64Array.from(await m.rolloutValue.run(z0, flat, noise, N, gamma, settings.qReduce === 'min' ? 'min' : 'mean'));
    }
    const G = new Float64Array(N);
    let discount = 1;
    let z = z0;
    for (const a of actions) {
      const [r, next] = await Promise.all([m.reward(z, a, N), m.next(z, a, N)]);
      this.calls += 2;
      for (let k = 0; k < N; k++) G[k]! += discount * r[k]!;
      z = next;
      discount *= gamma;
    }
    const aH = await this.policyActions(z, N);
    const { values, ensemble } = await m.q(z, aH, N);
    this.calls++;
    const useMin = settings.qReduce === 'min';
    for (let k = 0; k < N; k++) {
      let q = useMin ? Infinity : 0;
      for (let e = 0; e < ensemble; e++) {
        const v = values[k * ensemble + e]!;
        q = useMin ? Math.min(q, v) : q + v / ensemble;
      }
      G[k]! += discount * q;
    }
    return G;
  }

  /** π(z), sampled when the prior gives a std (TD-MPC2 plans with the stochastic policy), clamped to [−1, 1]. */
  private async policyActions(z: Float32Array, batch: number): Promise<Float32Array> {
    const { mean, std } = await this.model.pi(z, batch);
    this.calls++;
    const a = new Float32Array(mean.length);
    for (let i = 0; i < a.length; i++) a[i] = Math.min(1, Math.max(-1, mean[i]! + (std ? std[i]! * this.random.normal() : 0)));
    return a;
  }
}

function repeat(z: Float32Array, n: number): Float32Array {
  const out = new Float32Array(z.length * n);
  for (let k = 0; k < n; k++) out.set(z, k * z.length);
  return out;
}

function clean(v: number): number {
  return Number.isNaN(v) ? 0 : v;
}
