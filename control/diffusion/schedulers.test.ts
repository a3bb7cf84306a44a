import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../models/onnx-builder.ts';
import { loadModel } from '../../models/runtime.ts';
import { Random } from '../../sim/random.ts';
import { leadingTimesteps, noiseSchedule, type PredictionType } from './noise-schedule.ts';
import { DiffusionSampler } from './sampler.ts';
import { DdimScheduler, DdpmScheduler, createScheduler, type SchedulerConfig } from './schedulers.ts';

const DP: SchedulerConfig = { trainTimesteps: 100, betaSchedule: 'squaredcos_cap_v2', betaStart: 1e-4, betaEnd: 0.02, predictionType: 'epsilon', clipSample: true, clipSampleRange: 1 };

describe('noise schedules (values computed with numpy from the diffusers formulas)', () => {
  it('squaredcos_cap_v2, T = 100 (Diffusion Policy)', () => {
    const s = noiseSchedule(DP);
    const betas: [number, number][] = [[0, 0.0006312815983416931], [1, 0.0011169370373218523], [50, 0.03154633936072582], [99, 0.999]];
    for (const [i, v] of betas) expect(s.betas[i]).toBeCloseTo(v, 12);
    const ac: [number, number][] = [[0, 0.9993687184016583], [10, 0.9667167048805273], [50, 0.4782646329454781], [90, 0.019544376399434123], [99, 2.4285722793500615e-7]];
    for (const [i, v] of ac) expect(s.alphasCumprod[i]! / v).toBeCloseTo(1, 10);
  });

  it('linear and scaled_linear, T = 1000', () => {
    const lin = noiseSchedule({ trainTimesteps: 1000, betaSchedule: 'linear', betaStart: 1e-4, betaEnd: 0.02 }).alphasCumprod;
    expect(lin[0]).toBeCloseTo(0.9999, 12);
    expect(lin[499]! / 0.07858724288177824).toBeCloseTo(1, 10);
    expect(lin[999]! / 4.035829765375676e-5).toBeCloseTo(1, 9);
    const scaled = noiseSchedule({ trainTimesteps: 1000, betaSchedule: 'scaled_linear', betaStart: 0.00085, betaEnd: 0.012 }).alphasCumprod;
    expect(scaled[0]).toBeCloseTo(0.99915, 12);
    expect(scaled[499]! / 0.27766965045646763).toBeCloseTo(1, 10);
    expect(scaled[999]! / 0.004660098513077238).toBeCloseTo(1, 9);
  });

  it('leading timestep spacing', () => {
    expect(leadingTimesteps(100, 10)).toEqual([90, 80, 70, 60, 50, 40, 30, 20, 10, 0]);
    expect(leadingTimesteps(1000, 4)).toEqual([750, 500, 250, 0]);
    expect(() => leadingTimesteps(100, 101)).toThrow('within [1, 100]');
  });
});

describe('scheduler steps (numpy reference)', () => {
  it('DDPM posterior coefficients, t = 50 → 40', () => {
    const { c0, ct, variance } = new DdpmScheduler(DP).coefficients(50, 40);
    expect(c0).toBeCloseTo(0.3717426297974439, 12);
    expect(ct).toBeCloseTo(0.612472953263062, 12);
    expect(variance).toBeCloseTo(0.17176925265572926, 12);
  });

  it('DDIM step with and without clipping, and the final step to ᾱ = 1', () => {
    const noClip = new DdimScheduler({ ...DP, clipSample: false });
    const x = new Float64Array([0.3]);
    noClip.step([-0.7], 50, 40, x, () => 0);
    expect(x[0]).toBeCloseTo(0.502126107868027, 12); // x̂0 = 1.1649…
    const clip = new DdimScheduler(DP);
    const y = new Float64Array([0.3]);
    clip.step([-0.7], 50, 40, y, () => 0);
    const aPrev = noiseSchedule(DP).alphasCumprod[40]!;
    expect(y[0]).toBeCloseTo(Math.sqrt(aPrev) * 1 + Math.sqrt(1 - aPrev) * -0.7, 12);
    const z = new Float64Array([0.3]);
    noClip.step([-0.7], 0, -1, z, () => 0);
    expect(z[0]).toBeCloseTo(0.31768801364180277, 12);
  });
});

/**
 * An exact denoiser for a per-dimension Gaussian target x0 ~ N(μ_a, σ_a²), with μ = cond·W + m (so
 * the conditioning path matters). Given x_t = √ᾱ x0 + √(1−ᾱ) ε:
 *   E[ε | x_t]  = (x_t − √ᾱ μ) · √(1−ᾱ) / (ᾱσ² + 1 − ᾱ)
 *   E[x0 | x_t] = μ + (x_t − √ᾱ μ) · √ᾱ σ² / (ᾱσ² + 1 − ᾱ)
 * Per-timestep coefficients are tables gathered with the timestep input.
 */
async function gaussianDenoiser(config: SchedulerConfig, sigma: number[], m: number[], W: number[][], type: PredictionType) {
  const T = config.trainTimesteps;
  const A = sigma.length;
  const C = W.length;
  const ac = noiseSchedule(config).alphasCumprod;
  const sqrtA = Float32Array.from(ac, (a) => Math.sqrt(a));
  const gain = new Float32Array(T * A);
  for (let t = 0; t < T; t++) {
    for (let a = 0; a < A; a++) {
      const abar = ac[t]!;
      const denom = abar * sigma[a]! ** 2 + 1 - abar;
      gain[t * A + a] = type === 'epsilon' ? Math.sqrt(1 - abar) / denom : (Math.sqrt(abar) * sigma[a]! ** 2) / denom;
    }
  }
  const g = new GraphBuilder('gaussian-denoiser');
  const x = g.input('sample', ['batch', 'horizon', A]);
  const t = g.input('timestep', ['batch'], 'int64');
  const cond = g.input('global_cond', ['batch', C]);
  const mu = g.op('Reshape', [g.op('Add', [g.op('MatMul', [cond, g.constant('W', W.flat(), [C, A])]), g.constant('m', m, [A])]), g.int64s('muShape', [-1, 1, A])]);
  const s = g.op('Reshape', [g.op('Gather', [g.constant('sqrtAbar', sqrtA, [T]), t], { axis: { i: 0 } }), g.int64s('sShape', [-1, 1, 1])]);
  const k = g.op('Reshape', [g.op('Gather', [g.constant('gain', gain, [T, A]), t], { axis: { i: 0 } }), g.int64s('kShape', [-1, 1, A])]);
  const centred = g.op('Sub', [x, g.op('Mul', [s, mu])]);
  const scaled = g.op('Mul', [centred, k]);
  g.output(type === 'epsilon' ? scaled : g.op('Add', [mu, scaled]), 'noise_pred', ['batch', 'horizon', A]);
  return loadModel(g.toBytes(), { providers: ['cpu'], warmupRuns: 0 });
}

/** Mean and variance per action dimension over all samples and horizon steps. */
function moments(x: Float32Array, A: number): { mean: number[]; variance: number[] } {
  const n = x.length / A;
  const mean = new Array<number>(A).fill(0);
  const sq = new Array<number>(A).fill(0);
  for (let i = 0; i < x.length; i++) mean[i % A]! += x[i]! / n;
  for (let i = 0; i < x.length; i++) sq[i % A]! += (x[i]! - mean[i % A]!) ** 2 / (n - 1);
  return { mean, variance: sq };
}

/**
 * The exact output distribution of a sampler driven by the exact denoiser: every step is affine in x
 * (x ← a·x + b + s·z), so mean and variance propagate in closed form from x_T ~ N(0, 1). Written out
 * here as scalar recursions, independently of the scheduler classes.
 */
function exactOutput(kind: 'ddpm' | 'ddim', config: SchedulerConfig, steps: number, mu: number, sigma: number): { mean: number; variance: number } {
  const ac = noiseSchedule(config).alphasCumprod;
  const ratio = Math.floor(config.trainTimesteps / steps);
  let m = 0;
  let v = 1;
  for (let k = 0; k < steps; k++) {
    const t = (steps - 1 - k) * ratio;
    const aT = ac[t]!;
    const aP = k + 1 < steps ? ac[t - ratio]! : 1;
    const gain = (Math.sqrt(aT) * sigma * sigma) / (aT * sigma * sigma + 1 - aT);
    const [x0a, x0b] = [gain, mu * (1 - gain * Math.sqrt(aT))];
    let a: number, b: number, s2: number;
    if (kind === 'ddpm') {
      const beta = 1 - aT / aP;
      const c0 = (Math.sqrt(aP) * beta) / (1 - aT);
      const ct = (Math.sqrt(aT / aP) * (1 - aP)) / (1 - aT);
      [a, b, s2] = [c0 * x0a + ct, c0 * x0b, t > 0 ? ((1 - aP) / (1 - aT)) * beta : 0];
    } else {
      const [ea, eb] = [(1 - Math.sqrt(aT) * x0a) / Math.sqrt(1 - aT), (-Math.sqrt(aT) * x0b) / Math.sqrt(1 - aT)];
      [a, b, s2] = [Math.sqrt(aP) * x0a + Math.sqrt(1 - aP) * ea, Math.sqrt(aP) * x0b + Math.sqrt(1 - aP) * eb, 0];
    }
    m = a * m + b;
    v = a * a * v + s2;
  }
  return { mean: m, variance: v };
}

describe('diffusion sampler with an exact ONNX denoiser for a Gaussian target', () => {
  const sigma = [0.5, 0.2];
  const m = [0.1, -0.3];
  // μ = cond·W + m with cond = [0.2, 0, 0, 0, 0, −0.4] → μ = [0.1 + 0.2·1, −0.3 − 0.4·0.5] = [0.3, −0.5].
  const W = [[1, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0.5]];
  const cond1 = [0.2, 0, 0, 0, 0, -0.4];
  const target = [0.3, -0.5];
  const batch = 1000;
  const horizon = 16;
  const condition = Float32Array.from({ length: batch * 6 }, (_, i) => cond1[i % 6]!);

  for (const kind of ['ddpm', 'ddim'] as const) {
    it(`${kind} with all 1000 steps (cosine schedule) samples N(μ, σ²)`, async () => {
      const config: SchedulerConfig = { ...DP, trainTimesteps: 1000, clipSample: false };
      // The closed form first: 1000 exact steps end on the target distribution (within 4 % of its
      // variance: the cosine schedule's last ᾱ is not quite 0, so x_T ~ N(0, 1) is not quite its marginal).
      for (let a = 0; a < 2; a++) {
        const exact = exactOutput(kind, config, 1000, target[a]!, sigma[a]!);
        expect(exact.mean).toBeCloseTo(target[a]!, 3);
        expect(Math.abs(exact.variance / sigma[a]! ** 2 - 1)).toBeLessThan(0.04);
      }
      // Then the sampler, on 100 of the batch (1000 steps × 1600 draws; the 10- and 100-step cases below
      // compare it with the closed form on the whole batch).
      const rows = 100;
      const model = await gaussianDenoiser(config, sigma, m, W, 'epsilon');
      const sampler = new DiffusionSampler(model, { sample: 'sample', timestep: 'timestep', condition: 'global_cond', output: 'noise_pred' }, { horizon, actionDim: 2, conditionDim: 6 });
      const random = new Random(kind === 'ddpm' ? 1 : 2);
      const x = await sampler.sample(condition.subarray(0, rows * 6), rows, createScheduler(kind, config), 1000, () => random.normal());
      const { mean, variance } = moments(x, 2);
      const draws = rows * horizon;
      for (let a = 0; a < 2; a++) {
        // Standard errors: σ/40 for the mean, √(2/1600) = 3.5 % for the variance.
        expect(Math.abs(mean[a]! - target[a]!), `mean[${a}]`).toBeLessThan(0.02 * sigma[a]! + 4 * (sigma[a]! / Math.sqrt(draws)));
        expect(Math.abs(variance[a]! / sigma[a]! ** 2 - 1), `variance[${a}]`).toBeLessThan(4 * Math.sqrt(2 / draws));
      }
      await model.dispose();
    });
  }

  for (const [kind, steps, type] of [['ddim', 10, 'epsilon'], ['ddpm', 100, 'epsilon'], ['ddim', 10, 'sample'], ['ddpm', 10, 'sample']] as const) {
    it(`${kind}, ${steps} steps, ${type} prediction (Diffusion Policy's T = 100) matches the closed-form output distribution`, async () => {
      const config: SchedulerConfig = { ...DP, clipSample: false, predictionType: type };
      const model = await gaussianDenoiser(config, sigma, m, W, type);
      const sampler = new DiffusionSampler(model, { sample: 'sample', timestep: 'timestep', condition: 'global_cond', output: 'noise_pred' }, { horizon, actionDim: 2, conditionDim: 6 });
      const random = new Random(3);
      const x = await sampler.sample(condition, batch, createScheduler(kind, config), steps, () => random.normal());
      const { mean, variance } = moments(x, 2);
      for (let a = 0; a < 2; a++) {
        const exact = exactOutput(kind, config, steps, target[a]!, sigma[a]!);
        const sd = Math.sqrt(exact.variance);
        expect(Math.abs(mean[a]! - exact.mean), `mean[${a}]`).toBeLessThan(4 * (sd / Math.sqrt(batch * horizon)));
        expect(Math.abs(variance[a]! / exact.variance - 1), `variance[${a}]`).toBeLessThan(0.035);
      }
      // Coarse sampling shrinks the spread but keeps it near the target.
      expect(Math.sqrt(variance[0]!)).toBeGreaterThan(0.7 * sigma[0]!);
      await model.dispose();
    });
  }

  it('clip_sample keeps x̂0, and so the samples, within the range', async () => {
    const config: SchedulerConfig = { ...DP, clipSampleRange: 0.4 };
    const model = await gaussianDenoiser(config, [0.5, 0.5], [0, 0], W, 'epsilon');
    const sampler = new DiffusionSampler(model, { sample: 'sample', timestep: 'timestep', condition: 'global_cond', output: 'noise_pred' }, { horizon, actionDim: 2, conditionDim: 6 });
    const random = new Random(4);
    const x = await sampler.sample(new Float32Array(100 * 6), 100, createScheduler('ddpm', config), 100, () => random.normal());
    const max = x.reduce((a, b) => Math.max(a, Math.abs(b)), 0);
    expect(max).toBeLessThanOrEqual(0.4 + 1e-6);
    expect(max).toBeGreaterThan(0.39);
    await model.dispose();
  });
});
