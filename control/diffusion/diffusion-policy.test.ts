import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from '../../models/onnx-builder.ts';
import { defaults } from '../../sim/params.ts';
import type { TaskInstance } from '../../sim/task.ts';
import type { ControlContext } from '../controller.ts';
import { diffusionPolicy } from './diffusion-policy.ts';

const H = 8;
const TO = 2;
const A = 2;

/**
 * A denoiser that predicts (prediction type 'sample') the chunk C[j, a] = 2·o_t + j + 0.1·a whatever
 * the noise, where o_t is the newest observation. Deterministic DDIM then returns C exactly, so the
 * executed actions show which chunk entry ran when.
 */
function chunkModel(): Uint8Array {
  const g = new GraphBuilder('chunk');
  g.input('sample', ['batch', H, A]);
  g.input('timestep', ['batch'], 'int64');
  const cond = g.input('global_cond', ['batch', TO]);
  const w = new Float32Array(TO * H * A);
  for (let k = 0; k < H * A; k++) w[(TO - 1) * H * A + k] = 2; // only the newest observation counts
  const base = Float32Array.from({ length: H * A }, (_, k) => Math.floor(k / A) + 0.1 * (k % A));
  const flat = g.op('Add', [g.op('MatMul', [cond, g.constant('w', w, [TO, H * A])]), g.constant('base', base, [H * A])]);
  g.output(g.op('Reshape', [flat, g.int64s('shape', [-1, H, A])]), 'noise_pred', ['batch', H, A]);
  return g.toBytes();
}

function files(obsDim = 1, diffusionExtra: Record<string, unknown> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'actuate-dp-'));
  writeFileSync(join(dir, 'chunk.onnx'), chunkModel());
  const card = {
    schemaVersion: 1,
    name: 'chunk',
    kind: 'diffusion-denoiser',
    model: 'chunk.onnx',
    inputs: [
      { name: 'sample', shape: ['batch', H, A], dtype: 'float32' },
      { name: 'timestep', shape: ['batch'], dtype: 'int64' },
      { name: 'global_cond', shape: ['batch', TO], dtype: 'float32' },
    ],
    outputs: [{ name: 'noise_pred', shape: ['batch', H, A], dtype: 'float32' }],
    diffusion: {
      horizon: H, obsHorizon: TO, actionSteps: 3, actionDim: A, obsDim,
      predictionType: 'sample', clipSample: false,
      // Actions live in [−10, 10]; the model works in [−1, 1].
      normalization: { action: { mode: 'min_max', min: [-10, -10], max: [10, 10] } },
      ...diffusionExtra,
    },
    provenance: { source: 'built in this test', license: 'Apache-2.0' },
  };
  writeFileSync(join(dir, 'chunk.card.json'), JSON.stringify(card));
  return { card: join(dir, 'chunk.card.json'), model: join(dir, 'chunk.onnx') };
}

/** A task whose observation is the first state entry (the step index in these tests). */
function context(obsDim = 1): ControlContext {
  const task = {
    actionDim: A,
    scene: { actuators: [{ ctrlRange: [-1000, 1000] }, { ctrlRange: [-1000, 1000] }] },
    observe: (s: Float64Array) => Float64Array.from({ length: obsDim }, (_, i) => s[i] ?? 0),
    reset: () => new Float64Array(obsDim),
  } as unknown as TaskInstance;
  return { taskId: 'test', taskParams: {}, task, costWeights: () => new Float64Array(0) };
}

describe('diffusion-policy controller', () => {
  it('executes actionSteps actions of each chunk, starting at obsHorizon − 1 (receding horizon)', async () => {
    const { card } = files();
    const c = await diffusionPolicy.create(context(), { ...defaults(diffusionPolicy.params), card });
    c.reset(0);
    const got: number[][] = [];
    for (let k = 0; k < 7; k++) got.push(Array.from(await c.act(Float64Array.of(k), k * 0.02)));
    // Chunk at step 0 (o = 0): entries j = 1, 2, 3 → 10·(0 + j); at step 3 (o = 3): 10·(6 + j); at step 6: 10·(12 + 1).
    const expected = [1, 2, 3, 7, 8, 9, 13].map((v) => [10 * v, 10 * (v + 0.1)]);
    got.forEach((a, k) => a.forEach((v, i) => expect(v, `step ${k}`).toBeCloseTo(expected[k]![i]!, 4)));
    // actionSteps is live: 1 → a new chunk every step.
    c.setParams({ actionSteps: 1 });
    expect((await c.act(Float64Array.of(7), 0))[0]).toBeCloseTo(10 * (14 + 1), 4);
    expect((await c.act(Float64Array.of(8), 0))[0]).toBeCloseTo(10 * (16 + 1), 4);
    // More than a chunk holds from the present on is refused, naming the limit, and changes nothing.
    const most = H - TO + 1;
    expect(() => c.setParams({ actionSteps: most + 1 })).toThrow(`controller.actionSteps must be at most ${most} for this model`);
    expect((await c.act(Float64Array.of(9), 0))[0]).toBeCloseTo(10 * (18 + 1), 4);
    await c.dispose();
    await expect(diffusionPolicy.create(context(), { ...defaults(diffusionPolicy.params), card, actionSteps: most + 1 })).rejects.toThrow(`at most ${most}`);
  });

  it('temporal ensembling averages every chunk’s prediction for the step with weights exp(−m·i)', async () => {
    const { card } = files();
    const m = 0.3;
    const c = await diffusionPolicy.create(context(), { ...defaults(diffusionPolicy.params), card, ensemble: 'on', ensembleDecay: m, actionSteps: 1 });
    c.reset(0);
    for (let s = 0; s < 9; s++) {
      const a = await c.act(Float64Array.of(s), 0);
      // The chunk planned at step k predicts 2k + (s − k + 1) = k + s + 1 for step s, for s − k ≤ H − TO.
      let num = 0;
      let den = 0;
      const ks = Array.from({ length: s + 1 }, (_, k) => k).filter((k) => s - k <= H - TO);
      ks.forEach((k, i) => {
        const w = Math.exp(-m * i);
        num += w * (k + s + 1);
        den += w;
      });
      expect(a[0], `step ${s}`).toBeCloseTo((10 * num) / den, 3);
    }
    await c.dispose();
  });

  it('tracks position targets with the card’s PD, clamped to the actuators’ range afterwards', async () => {
    // Both actuators drive observation entry 0; targets are the chunk entries C[j, a] = 10·(2·o + j + 0.1·a).
    const { card } = files(1, { positionTarget: { observation: [0, 0], kp: [3, 0.5], kd: [2, 0], lead: 5 } });
    const c = await diffusionPolicy.create(context(), { ...defaults(diffusionPolicy.params), card, actionSteps: 1 });
    c.reset(0);
    const observations = [0, 0.5, 2];
    for (const [s, o] of observations.entries()) {
      const got = await c.act(Float64Array.of(o), 0);
      const velocity = s === 0 ? 0 : o - observations[s - 1]!;
      const target = [10 * (2 * o + 1), 10 * (2 * o + 1.1)];
      expect(got[0], `step ${s}`).toBeCloseTo(3 * (target[0]! - o) - 2 * velocity, 3);
      expect(got[1], `step ${s}`).toBeCloseTo(0.5 * (target[1]! - o), 3);
    }
    // A reset forgets the previous observation: no velocity on the first step.
    c.reset(1);
    expect((await c.act(Float64Array.of(2), 0))[0]).toBeCloseTo(3 * (10 * 5 - 2), 3);
    await c.dispose();
    // The card checks that there is one tracked entry and one gain per actuator.
    const wrong = files(1, { positionTarget: { observation: [0, 3], kp: [1], kd: [0, 0], lead: 5 } });
    await expect(Promise.resolve().then(() => diffusionPolicy.create(context(), { ...defaults(diffusionPolicy.params), card: wrong.card }))).rejects.toThrow(
      /positionTarget\.kp: 1 values, the model has 2 actions[\s\S]*positionTarget\.observation\[1\]: entry 3 is past the observation's 1 values/,
    );
  });

  it('refuses to start without a model, or with a model that does not fit the task, saying what to set', async () => {
    await expect(Promise.resolve().then(() => diffusionPolicy.create(context(), defaults(diffusionPolicy.params)))).rejects.toThrow(
      'diffusion-policy needs controller.model=<file.onnx>',
    );
    const { card } = files(1);
    await expect(Promise.resolve().then(() => diffusionPolicy.create(context(3), { ...defaults(diffusionPolicy.params), card }))).rejects.toThrow(
      "the model takes 1 observation values, task 'test' gives 3",
    );
    await expect(Promise.resolve().then(() => diffusionPolicy.create(context(), { ...defaults(diffusionPolicy.params), model: '/nonexistent/x.onnx' }))).rejects.toThrow(
      'model file not found: /nonexistent/x.onnx',
    );
  });

  it('takes the card beside the model when only the model is named', async () => {
    const { model } = files();
    const c = await diffusionPolicy.create(context(), { ...defaults(diffusionPolicy.params), model });
    c.reset(0);
    // The card's 'sample' prediction and normalization make the first action exactly 10·(0 + 1).
    expect(Array.from(await c.act(Float64Array.of(0), 0))[0]).toBeCloseTo(10, 4);
    await c.dispose();
  });

  it('runs a model without a card, taking sizes from its inputs', async () => {
    const model = join(mkdtempSync(join(tmpdir(), 'actuate-dp-')), 'alone.onnx');
    writeFileSync(model, chunkModel());
    const c = await diffusionPolicy.create(context(), { ...defaults(diffusionPolicy.params), model, scheduler: 'ddim' });
    c.reset(0);
    // Epsilon prediction is assumed without a card, so the output is not C; the chunk still has the right size.
    const a = await c.act(Float64Array.of(0), 0);
    expect(a.length).toBe(A);
    expect(a.every(Number.isFinite)).toBe(true);
    await c.dispose();
  });
});
