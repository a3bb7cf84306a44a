import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { NonFiniteOutputError } from '../models/io-validation.ts';
import { IN_THREAD_MODEL_BYTES, loadControllerModel, loadModelOffThread } from './model-thread.ts';
import { GraphBuilder, mlpModel, randomMlpLayers } from '../models/onnx-builder.ts';
import { ModelLoadError, float32Tensor, loadModel, ort } from '../models/runtime.ts';

const GO2W = fileURLToPath(new URL('../models/go2w_robot_lab/policy.onnx', import.meta.url));

/** y = x · W for a `size`² float32 W: 4·size² bytes of model. */
function matmulModel(size: number): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', ['batch', size]);
  const w = g.constant('w', Float32Array.from({ length: size * size }, (_, i) => ((i * 7919) % 1000) / 1000), [size, size]);
  g.output(g.op('MatMul', [x, w]), 'y', ['batch', size]);
  return g.toBytes();
}

describe('models on the model thread', () => {
  it('answers exactly as the same model on this thread, through a mailbox that grows to fit', async () => {
    const layers = randomMlpLayers([48, 64, 12], 'elu', mulberry(1));
    const bytes = mlpModel(layers);
    const here = await loadModel(bytes);
    const there = await loadModelOffThread(bytes, { label: 'mlp' });
    expect(there.inputs).toEqual(here.inputs);
    expect(there.outputNames).toEqual(here.outputNames);
    // 1 row, then 4000 rows: 768 kB in, 192 kB out, past the first 64 kB mailbox both ways.
    for (const rows of [1, 4000, 3]) {
      const x = Float32Array.from({ length: rows * 48 }, (_, i) => Math.sin(i));
      const a = (await here.run({ obs: float32Tensor(x, [rows, 48]) })).actions!;
      const b = (await there.run({ obs: float32Tensor(x, [rows, 48]) })).actions!;
      expect(b.dims).toEqual(a.dims);
      expect(Array.from(b.data as Float32Array)).toEqual(Array.from(a.data as Float32Array));
    }
    expect(there.stats().count).toBe(3);
    expect(there.summary()).toMatchObject({ model: 'mlp', provider: expect.stringContaining('cpu'), calls: 3 });
    await Promise.all([here.dispose(), there.dispose()]);
    await expect(there.run({})).rejects.toThrow(/after dispose/);
  });

  it('runs the shipped Go2-W policy from its file', async () => {
    const model = await loadModelOffThread(GO2W);
    const out = await model.run({ [model.inputNames[0]!]: float32Tensor(new Float32Array(57), [1, 57]) });
    expect(out[model.outputNames[0]!]!.dims).toEqual([1, 16]);
    await model.dispose();
  });

  it('gives the same errors as loadModel: a file that is not ONNX, a wrong shape, a NaN output', async () => {
    await expect(loadModelOffThread(new TextEncoder().encode('API_KEY=sk-secret'), { label: 'notes.onnx' })).rejects.toThrow(ModelLoadError);
    await expect(loadModelOffThread('/nonexistent/policy.onnx')).rejects.toThrow(/model file not found: \/nonexistent\/policy.onnx/);
    const g = new GraphBuilder();
    g.output(g.op('Log', [g.input('x', [1, 2])]), 'y', [1, 2]);
    const log = await loadModelOffThread(g.toBytes(), { label: 'log' });
    await expect(log.run({ x: float32Tensor([1, 2, 3], [1, 3]) })).rejects.toThrow("input 'x' expects [1,2] float32, got [1,3]");
    await expect(log.run({ x: float32Tensor([-1, 1], [1, 2]) })).rejects.toThrow(NonFiniteOutputError);
    const y = (await log.run({ x: float32Tensor([1, Math.E], [1, 2]) })).y!.data as Float32Array;
    expect(y[0]).toBe(0);
    expect(y[1]).toBeCloseTo(1, 6);
    await log.dispose();
  });

  it('creates the session on the model thread, never on this one (loading here is what stalls the engine)', async () => {
    // Measured, not asserted (timings belong in benchmarks): a 16.8 MB model stalled this thread's event
    // loop 55 ms loading here on a quiet machine, 0.3–1.1 s on a busy one; off-thread, 8–70 ms of noise.
    const create = vi.spyOn(ort.InferenceSession, 'create');
    try {
      const bytes = matmulModel(64);
      const there = await loadModelOffThread(bytes);
      expect(create).not.toHaveBeenCalled();
      const here = await loadModel(bytes);
      expect(create).toHaveBeenCalledTimes(1);
      await Promise.all([here.dispose(), there.dispose()]);
    } finally {
      create.mockRestore();
    }
  });

  it('keeps a small model on the calling thread and sends a big one to the model thread', async () => {
    const small = await loadControllerModel(GO2W);
    const big = await loadControllerModel(matmulModel(Math.ceil(Math.sqrt(IN_THREAD_MODEL_BYTES / 4)) + 8));
    expect(small.summary().thread).toBeUndefined();
    expect(big.summary().thread).toBe('model thread');
    await Promise.all([small.dispose(), big.dispose()]);
  });

  it('gives up on a load past its time limit (the model is dropped when it lands); other models keep running', async () => {
    const small = await loadModelOffThread(mlpModel(randomMlpLayers([4, 4], 'relu', mulberry(2))));
    // 16 MB: ≈ 170 ms to load, so the 1 ms limit passes long before the reply (a 1 MB model loads in
    // ≈ 13 ms, and a stall of the test process that long let its reply through first, once, in CI).
    await expect(loadModelOffThread(matmulModel(2048), { loadTimeoutMs: 1, label: 'big.onnx' })).rejects.toThrow(/loading big.onnx took longer than 0.001 s/);
    const out = await small.run({ obs: new ort.Tensor('float32', Float32Array.of(1, 2, 3, 4), [1, 4]) });
    expect(out.actions!.dims).toEqual([1, 4]);
    await small.dispose();
  });
});

function mulberry(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
