import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GraphBuilder } from './onnx-builder.ts';
import { NonFiniteOutputError } from './io-validation.ts';
import { LatencyRecorder, ModelLoadError, PROVIDER_ENV, defaultProviderOrder, float32Tensor, loadModel, parseProviders, providerAvailability, ort, userProviderOrder } from './runtime.ts';

const POLICY_DIR = fileURLToPath(new URL('./go2w_robot_lab/', import.meta.url));
const SHIPPED = join(POLICY_DIR, 'policy.onnx');

interface Golden {
  input: string;
  output: string;
  cases: { name: string; obs: number[]; action: number[] }[];
}

describe('runtime', () => {
  it('reproduces the Go2-W golden outputs within 1e-5 (the shipped robot_lab policy)', async () => {
    const golden = JSON.parse(readFileSync(join(POLICY_DIR, 'golden_io.json'), 'utf8')) as Golden;
    expect(golden.cases.length).toBe(3);
    for (const file of [SHIPPED]) {
      const model = await loadModel(file);
      for (const c of golden.cases) {
        const out = await model.run({ [golden.input]: float32Tensor(c.obs, [1, 57]) });
        const got = out[golden.output]!.data as Float32Array;
        expect(got.length).toBe(16);
        const worst = Math.max(...c.action.map((a, i) => Math.abs(a - got[i]!)));
        expect(worst, `${file} case ${c.name}`).toBeLessThan(1e-5);
      }
      await model.dispose();
    }
  });

  it('reports the provider and the reason for every fallback', async () => {
    const model = await loadModel(SHIPPED);
    const order = defaultProviderOrder();
    expect(order.at(-1)).toBe('cpu');
    const availability = providerAvailability();
    // On a machine without a GPU the chosen provider is cpu and every provider before it says why.
    const chosenIndex = order.indexOf(model.provider.provider);
    expect(chosenIndex).toBeGreaterThanOrEqual(0);
    expect(model.provider.fallbacks.map((f) => f.provider)).toEqual(order.slice(0, chosenIndex));
    for (const f of model.provider.fallbacks) expect(f.reason.length).toBeGreaterThan(10);
    if (!ort.listSupportedBackends().some((b) => b.name === 'coreml')) expect(availability.coreml.available).toBe(false);
    await model.dispose();

    const cpuOnly = await loadModel(SHIPPED, { providers: ['cpu'], intraOpThreads: 1, interOpThreads: 1 });
    expect(cpuOnly.provider).toEqual({ provider: 'cpu', fallbacks: [] });
    await cpuOnly.dispose();

    // A provider this build lacks, with no fallback allowed, fails with its reason.
    if (!availability.coreml.available) {
      await expect(loadModel(SHIPPED, { providers: ['coreml'], strictProviders: true })).rejects.toThrow(/coreml: not in this onnxruntime-node build/);
      const fallback = await loadModel(SHIPPED, { providers: ['coreml'] });
      expect(fallback.provider.provider).toBe('cpu');
      expect(fallback.provider.fallbacks[0]!.provider).toBe('coreml');
      await fallback.dispose();
    }
  });

  it("takes the user's provider order from ACTUATE_EP and names unknown providers", async () => {
    expect(parseProviders(' CoreML, cpu ')).toEqual(['coreml', 'cpu']);
    expect(() => parseProviders('cuda,tpu')).toThrow("unknown execution provider 'tpu'; valid: cuda, dml, coreml, webgpu, cpu");
    expect(userProviderOrder({})).toBeUndefined();
    expect(userProviderOrder({ [PROVIDER_ENV]: 'webgpu,cpu' })).toEqual(['webgpu', 'cpu']);
    process.env[PROVIDER_ENV] = 'coreml';
    try {
      const model = await loadModel(SHIPPED);
      // Only what the user listed is tried (cuda, first by default on Linux, is not), then cpu as the last resort.
      expect(model.provider.fallbacks.map((f) => f.provider)).toEqual(model.provider.provider === 'coreml' ? [] : ['coreml']);
      await model.dispose();
    } finally {
      delete process.env[PROVIDER_ENV];
    }
  });

  it('gives a clear error naming a corrupt or missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-ort-'));
    const corrupt = join(dir, 'broken.onnx');
    writeFileSync(corrupt, readFileSync(SHIPPED).subarray(0, 1000));
    await expect(loadModel(corrupt)).rejects.toThrow(ModelLoadError);
    await expect(loadModel(corrupt)).rejects.toThrow(`${corrupt}: not a valid ONNX model`);
    writeFileSync(join(dir, 'empty.onnx'), '');
    await expect(loadModel(join(dir, 'empty.onnx'))).rejects.toThrow('empty.onnx: empty file');
    await expect(loadModel(join(dir, 'nope.onnx'))).rejects.toThrow(`model file not found: ${join(dir, 'nope.onnx')}`);
  });

  it('rejects a wrongly shaped feed with the exact message', async () => {
    const model = await loadModel(SHIPPED, { warmupRuns: 0 });
    await expect(model.run({ obs: float32Tensor(new Float32Array(48), [1, 48]) })).rejects.toThrow("input 'obs' expects [1,57] float32, got [1,48]");
    await expect(model.run({ obs: new ort.Tensor('float64', new Float64Array(57), [1, 57]) })).rejects.toThrow("input 'obs' expects [1,57] float32, got [1,57] float64");
    await expect(model.run({})).rejects.toThrow("missing input 'obs' expects [1,57] float32");
    await expect(model.run({ obs: float32Tensor(new Float32Array(57), [1, 57]), extra: float32Tensor([1], [1]) })).rejects.toThrow("unknown input 'extra'");
    await model.dispose();
  });

  it('detects NaN and Inf outputs', async () => {
    // y = sqrt(x): NaN for negative x; y2 = 1/x: Inf at 0.
    const g = new GraphBuilder();
    const x = g.input('x', ['batch', 3]);
    g.output(g.op('Sqrt', [x]), 'root', ['batch', 3]);
    const model = await loadModel(g.toBytes(), { providers: ['cpu'] });
    const ok = await model.run({ x: float32Tensor([1, 4, 9], [1, 3]) });
    expect(Array.from(ok.root!.data as Float32Array)).toEqual([1, 2, 3]);
    const bad = model.run({ x: float32Tensor([1, 4, 9, 16, -1, 25], [2, 3]) });
    await expect(bad).rejects.toThrow(NonFiniteOutputError);
    await expect(model.run({ x: float32Tensor([1, 4, 9, 16, -1, 25], [2, 3]) })).rejects.toThrow("output 'root' has NaN at [1,1] (1 of 6 values are not finite)");
    await model.dispose();
    const unchecked = await loadModel(g.toBytes(), { providers: ['cpu'], checkOutputs: false });
    const raw = await unchecked.run({ x: float32Tensor([-1, 0, 1], [1, 3]) });
    expect(Number.isNaN(raw.root!.data[0])).toBe(true);
    await unchecked.dispose();
  });

  it('keeps latency statistics per model, after warm-up, and refuses use after dispose', async () => {
    const model = await loadModel(SHIPPED, { warmupRuns: 5 });
    expect(model.stats().count).toBe(0);
    const feed = { obs: float32Tensor(new Float32Array(57), [1, 57]) };
    for (let i = 0; i < 50; i++) await model.run(feed);
    const s = model.stats();
    expect(s.count).toBe(50);
    expect(s.p50Us).toBeGreaterThan(0);
    expect(s.p99Us).toBeGreaterThanOrEqual(s.p50Us);
    await model.dispose();
    await expect(model.run(feed)).rejects.toThrow('used after dispose()');
  });

  it('computes percentiles over its window', () => {
    const r = new LatencyRecorder(100);
    for (let i = 1; i <= 300; i++) r.record(i);
    // Window holds 201…300.
    const s = r.stats();
    expect(s.count).toBe(300);
    expect(s.p50Us).toBe(251);
    expect(s.p99Us).toBe(300);
    expect(s.lastUs).toBe(300);
  });
});
