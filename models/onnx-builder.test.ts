import { describe, expect, it } from 'vitest';
import { GraphBuilder, evaluateMlp, mlpModel, randomMlpLayers, type DenseLayer } from './onnx-builder.ts';
import { float32Tensor, int64Tensor, loadModel } from './runtime.ts';

describe('onnx-builder', () => {
  it('writes MLPs that ONNX Runtime evaluates exactly as the weights say (relu, tanh, elu)', async () => {
    const random = seeded(7);
    for (const activation of ['relu', 'tanh', 'elu'] as const) {
      const layers = randomMlpLayers([5, 16, 8, 3], activation, () => random.uniform());
      const model = await loadModel(mlpModel(layers), { providers: ['cpu'], warmupRuns: 0 });
      const batch = 4;
      const x = Float32Array.from({ length: batch * 5 }, () => 2 * random.normal());
      const y = (await model.run({ obs: float32Tensor(x, [batch, 5]) })).actions!;
      expect(y.dims).toEqual([batch, 3]);
      for (let b = 0; b < batch; b++) {
        const expected = evaluateMlp(layers, x.subarray(b * 5, b * 5 + 5));
        for (let o = 0; o < 3; o++) expect(y.data[b * 3 + o] as number).toBeCloseTo(expected[o]!, 5);
      }
      await model.dispose();
    }
  });

  it('hand-set weights give hand-computed outputs', async () => {
    // y = relu(x·W + b) with W = [[1, -1], [2, 0.5]], b = [0.5, -3]
    const layer: DenseLayer = { inSize: 2, outSize: 2, weight: Float32Array.of(1, -1, 2, 0.5), bias: Float32Array.of(0.5, -3), activation: 'relu' };
    const model = await loadModel(mlpModel([layer]), { providers: ['cpu'], warmupRuns: 0 });
    const y = (await model.run({ obs: float32Tensor([1, 2], [1, 2]) })).actions!;
    // [1·1 + 2·2 + 0.5, 1·(−1) + 2·0.5 − 3] = [5.5, −3] → relu → [5.5, 0]
    expect(Array.from(y.data as Float32Array)).toEqual([5.5, 0]);
    await model.dispose();
  });

  it('gathers per-timestep coefficients with an int64 index input', async () => {
    const g = new GraphBuilder('gather');
    const t = g.input('t', ['batch'], 'int64');
    const x = g.input('x', ['batch', 2]);
    const table = g.constant('table', Float32Array.of(10, 20, 30, 40), [4]);
    const coeff = g.op('Reshape', [g.op('Gather', [table, t], { axis: { i: 0 } }), g.int64s('shape', [-1, 1])]);
    g.output(g.op('Mul', [x, coeff]), 'y', ['batch', 2]);
    const model = await loadModel(g.toBytes(), { providers: ['cpu'], warmupRuns: 0 });
    const y = (await model.run({ t: int64Tensor([3, 0], [2]), x: float32Tensor([1, 2, 3, 4], [2, 2]) })).y!;
    expect(Array.from(y.data as Float32Array)).toEqual([40, 80, 30, 40]);
    await model.dispose();
  });

  it('refuses inconsistent graphs while building', () => {
    const g = new GraphBuilder();
    g.input('x', [1]);
    expect(() => g.op('Relu', ['nope'])).toThrow("unknown input 'nope'");
    expect(() => g.input('x', [1])).toThrow("'x' is used twice");
    expect(() => g.constant('w', [1, 2, 3], [2, 2])).toThrow('3 values for shape [2,2] (needs 4)');
  });
});

/** mulberry32 uniform [0,1) plus a Box–Muller normal (models/ imports no project code, even in tests). */
function seeded(seed: number) {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { uniform, normal: () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform()) };
}
