import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../models/onnx-builder.ts';
import { defaults, type ParamValues } from '../../sim/params.ts';
import type { TaskInstance } from '../../sim/task.ts';
import type { ControlContext } from '../controller.ts';
import { OnnxLatentModel, type LatentModelFiles } from './latent-model.ts';
import { LATENT_MPPI_PARAMS, LatentMppi } from './latent-mppi.ts';
import { worldModelMpc } from './world-model-mpc.ts';

type M2 = [[number, number], [number, number]];
// Linear latent dynamics z' = A z + B a, reward −(zᵀQz + aᵀRa), terminal Q(z, ·) = −zᵀPz.
const Am: M2 = [[1, 0.1], [0, 1]];
const Bm: M2 = [[0.5, 0.2], [0.1, 0.8]];
const q = [1, 2];
const r = [0.5, 1];
// Two Q heads, −zᵀP₁z and −zᵀP₂z; their mean is P = diag(3, 2).
const P1 = [2, 1];
const P2 = [4, 3];
const z0 = [0.6, -0.4];

/** Row-vector form for ONNX: z' = z·Aᵀ + a·Bᵀ. */
function models(): LatentModelFiles {
  const T = (m: M2) => [m[0][0], m[1][0], m[0][1], m[1][1]];
  const enc = new GraphBuilder('encoder');
  enc.output(enc.op('MatMul', [enc.input('obs', ['batch', 2]), enc.constant('I', [1, 0, 0, 1], [2, 2])]), 'z', ['batch', 2]);

  const dyn = new GraphBuilder('dynamics');
  const dz = dyn.input('z', ['batch', 2]);
  const da = dyn.input('action', ['batch', 2]);
  dyn.output(dyn.op('Add', [dyn.op('MatMul', [dz, dyn.constant('At', T(Am), [2, 2])]), dyn.op('MatMul', [da, dyn.constant('Bt', T(Bm), [2, 2])])]), 'z_next', ['batch', 2]);

  const rew = new GraphBuilder('reward');
  const rz = rew.input('z', ['batch', 2]);
  const ra = rew.input('action', ['batch', 2]);
  const zq = rew.op('MatMul', [rew.op('Mul', [rz, rz]), rew.constant('q', q, [2, 1])]);
  const ar = rew.op('MatMul', [rew.op('Mul', [ra, ra]), rew.constant('r', r, [2, 1])]);
  rew.output(rew.op('Reshape', [rew.op('Neg', [rew.op('Add', [zq, ar])]), rew.int64s('flat', [-1])]), 'reward', ['batch']);

  const qg = new GraphBuilder('q');
  const qz = qg.input('z', ['batch', 2]);
  qg.input('action', ['batch', 2]);
  qg.output(qg.op('Neg', [qg.op('MatMul', [qg.op('Mul', [qz, qz]), qg.constant('P', [P1[0]!, P2[0]!, P1[1]!, P2[1]!], [2, 2])])]), 'q', ['batch', 2]);

  // A poor prior (a = 0.1·z) so the planner has to improve on it.
  const pi = new GraphBuilder('policy');
  pi.output(pi.op('MatMul', [pi.input('z', ['batch', 2]), pi.constant('K', [0.1, 0, 0, 0.1], [2, 2])]), 'action', ['batch', 2]);
  return { encoder: enc.toBytes(), dynamics: dyn.toBytes(), reward: rew.toBytes(), q: qg.toBytes(), policy: pi.toBytes() };
}

// ── 2×2 linear algebra for the closed-form optimum ──
const mul = (a: M2, b: M2): M2 => [
  [a[0][0] * b[0][0] + a[0][1] * b[1][0], a[0][0] * b[0][1] + a[0][1] * b[1][1]],
  [a[1][0] * b[0][0] + a[1][1] * b[1][0], a[1][0] * b[0][1] + a[1][1] * b[1][1]],
];
const tr = (a: M2): M2 => [[a[0][0], a[1][0]], [a[0][1], a[1][1]]];
const add = (a: M2, b: M2): M2 => [[a[0][0] + b[0][0], a[0][1] + b[0][1]], [a[1][0] + b[1][0], a[1][1] + b[1][1]]];
const scale = (a: M2, s: number): M2 => [[a[0][0] * s, a[0][1] * s], [a[1][0] * s, a[1][1] * s]];
const inv = (a: M2): M2 => {
  const d = a[0][0] * a[1][1] - a[0][1] * a[1][0];
  return [[a[1][1] / d, -a[0][1] / d], [-a[1][0] / d, a[0][0] / d]];
};
const diag = (v: number[]): M2 => [[v[0]!, 0], [0, v[1]!]];

/**
 * First action of the discounted finite-horizon LQ problem max Σ_t γ^t −(z_tᵀQz_t + a_tᵀRa_t) − γ^H z_HᵀPz_H
 * by the Riccati recursion: K_t = (R + γBᵀP_{t+1}B)⁻¹ γBᵀP_{t+1}A, P_t = Q + K_tᵀRK_t + γ(A − BK_t)ᵀP_{t+1}(A − BK_t).
 */
function lqOptimum(horizon: number, gamma: number, terminal = [(P1[0]! + P2[0]!) / 2, (P1[1]! + P2[1]!) / 2]): number[] {
  let Pn = diag(terminal);
  let K: M2 = [[0, 0], [0, 0]];
  for (let t = horizon - 1; t >= 0; t--) {
    K = mul(inv(add(diag(r), scale(mul(mul(tr(Bm), Pn), Bm), gamma))), scale(mul(mul(tr(Bm), Pn), Am), gamma));
    const closed = add(Am, scale(mul(Bm, K), -1));
    Pn = add(add(diag(q), mul(mul(tr(K), diag(r)), K)), scale(mul(mul(tr(closed), Pn), closed), gamma));
  }
  return [-(K[0][0] * z0[0]! + K[0][1] * z0[1]!), -(K[1][0] * z0[0]! + K[1][1] * z0[1]!)];
}

describe('latent MPPI (TD-MPC2 planner) on a linear-quadratic problem', () => {
  for (const horizon of [1, 3]) {
    it(`lands on the closed-form optimal first action, horizon ${horizon}, TD-MPC2 defaults`, async () => {
      const model = await OnnxLatentModel.load(models(), { providers: ['cpu'], warmupRuns: 0 });
      const planner = new LatentMppi(model);
      const settings: ParamValues = { ...defaults(LATENT_MPPI_PARAMS), horizon, selection: 'mean' };
      const optimum = lqOptimum(horizon, settings.discount as number);
      for (const a of optimum) expect(Math.abs(a)).toBeLessThan(0.9); // inside the [−1, 1] action box
      planner.reset(1);
      const plan = await planner.plan(z0, settings);
      const err = Math.hypot(plan.action[0]! - optimum[0]!, plan.action[1]! - optimum[1]!);
      expect(err, `got [${Array.from(plan.action)}], optimum [${optimum}]`).toBeLessThan(0.03);
      // The optimum beats the prior's action by a wide margin, so landing near it is the planner's doing.
      expect(Math.hypot(0.1 * z0[0]! - optimum[0]!, 0.1 * z0[1]! - optimum[1]!)).toBeGreaterThan(0.3);
      // 1 encode + prior rollout (H π + H−1 d) + per iteration (2H + 2).
      expect(plan.modelCalls).toBe(1 + horizon + (horizon - 1) + 6 * (2 * horizon + 2));
      await model.dispose();
    });
  }

  it('TD-MPC2 elite sampling scatters around the optimum; the min Q reduction changes the answer', async () => {
    const model = await OnnxLatentModel.load(models(), { providers: ['cpu'], warmupRuns: 0 });
    const planner = new LatentMppi(model);
    const settings = defaults(LATENT_MPPI_PARAMS);
    const optimum = lqOptimum(3, 0.99);
    const mean = [0, 0];
    const runs = 8;
    for (let s = 0; s < runs; s++) {
      planner.reset(s);
      const { action } = await planner.plan(z0, settings);
      mean[0]! += action[0]! / runs;
      mean[1]! += action[1]! / runs;
    }
    expect(Math.hypot(mean[0]! - optimum[0]!, mean[1]! - optimum[1]!)).toBeLessThan(0.05);
    // The min over the heads is −zᵀP₂z here (P₂ ≥ P₁): the optimum for terminal weight P₂.
    planner.reset(0);
    const one = { ...settings, horizon: 1, selection: 'mean' };
    const pessimistic = await planner.plan(z0, { ...one, qReduce: 'min' });
    const withP2 = lqOptimum(1, 0.99, P2);
    expect(Math.hypot(withP2[0]! - lqOptimum(1, 0.99)[0]!, withP2[1]! - lqOptimum(1, 0.99)[1]!)).toBeGreaterThan(0.1);
    expect(Math.hypot(pessimistic.action[0]! - withP2[0]!, pessimistic.action[1]! - withP2[1]!)).toBeLessThan(0.03);
    await model.dispose();
  });
});

describe('world-model-mpc controller', () => {
  function setup() {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-wm-'));
    const files = models();
    for (const [k, v] of Object.entries(files)) writeFileSync(join(dir, `${k}.onnx`), v as Uint8Array);
    const card = {
      schemaVersion: 1,
      name: 'lq',
      kind: 'world-model',
      inputs: [],
      outputs: [],
      worldModel: { latentDim: 2, actionDim: 2, obsDim: 2, models: { encoder: 'encoder.onnx', dynamics: 'dynamics.onnx', reward: 'reward.onnx', q: 'q.onnx', policy: 'policy.onnx' } },
      provenance: { source: 'built in this test', license: 'Apache-2.0' },
    };
    writeFileSync(join(dir, 'lq.card.json'), JSON.stringify(card));
    return join(dir, 'lq.card.json');
  }
  const context = (obsDim = 2): ControlContext => ({
    taskId: 'lq',
    taskParams: {},
    costWeights: () => new Float64Array(0),
    task: {
      actionDim: 2,
      scene: { actuators: [{ ctrlRange: [-2, 2] }, { ctrlRange: [0, 1] }] },
      observe: (s: Float64Array) => s.slice(0, obsDim),
      reset: () => new Float64Array(obsDim),
    } as unknown as TaskInstance,
  });

  it('maps the planned action onto the actuator range and applies settings live', async () => {
    const card = setup();
    const c = await worldModelMpc.create(context(), { ...defaults(worldModelMpc.params), card, selection: 'mean' });
    c.reset(0);
    const opt = lqOptimum(3, 0.99);
    const a = await c.act(Float64Array.from(z0), 0);
    expect(a[0]).toBeCloseTo(opt[0]! * 2, 1); // [−1, 1] → [−2, 2]
    expect(a[1]).toBeCloseTo((opt[1]! + 1) / 2, 1); // [−1, 1] → [0, 1]
    c.setParams({ horizon: 1 });
    c.reset(0);
    const opt1 = lqOptimum(1, 0.99);
    const b = await c.act(Float64Array.from(z0), 0);
    expect(b[0]).toBeCloseTo(opt1[0]! * 2, 1);
    await c.dispose();
  });

  it('says what to set when the card is missing or does not fit', async () => {
    await expect(Promise.resolve().then(() => worldModelMpc.create(context(), defaults(worldModelMpc.params)))).rejects.toThrow('world-model-mpc needs controller.card=<file.card.json>');
    const card = setup();
    await expect(Promise.resolve().then(() => worldModelMpc.create(context(3), { ...defaults(worldModelMpc.params), card }))).rejects.toThrow(
      "the encoder takes 2 observation values, task 'lq' gives 3",
    );
  });
});
