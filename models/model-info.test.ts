import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ModelFileError, describeModel, modelInfo, modelInfoFromBytes } from './model-info.ts';
import { mlpModel, randomMlpLayers } from './onnx-builder.ts';

const SHIPPED = fileURLToPath(new URL('./go2w_robot_lab/policy.onnx', import.meta.url));

describe('model-info', () => {
  it('describes the Go2-W policy as its SOURCE.txt does', () => {
    const info = modelInfo(SHIPPED);
    expect(info.bytes).toBe(785189);
    expect(info.irVersion).toBe(6);
    expect(info.producer).toBe('pytorch');
    expect(info.producerVersion).toBe('2.7.0');
    expect(info.opsets).toEqual([{ domain: 'ai.onnx', version: 11 }]);
    expect(info.inputs).toEqual([{ name: 'obs', shape: [1, 57], dtype: 'float32' }]);
    expect(info.outputs).toEqual([{ name: 'actions', shape: [1, 16], dtype: 'float32' }]);
    // 57·512+512 + 512·256+256 + 256·128+128 + 128·16+16
    expect(info.parameterCount).toBe(195984);
    expect(info.ops).toEqual({ Gemm: 4, Elu: 3 });
    expect(describeModel(info)).toContain('parameters: 195,984 in 8 tensors');
  });

  it('reads symbolic dims and counts parameters of a built model', () => {
    const layers = randomMlpLayers([48, 256, 256, 12], 'elu', Math.random);
    const info = modelInfoFromBytes(mlpModel(layers, { producer: 'actuate-test', opset: 17 }), 'mlp.onnx');
    expect(info.inputs).toEqual([{ name: 'obs', shape: ['batch', 48], dtype: 'float32' }]);
    expect(info.parameterCount).toBe(48 * 256 + 256 + 256 * 256 + 256 + 256 * 12 + 12);
    expect(info.producer).toBe('actuate-test');
    expect(info.opsets[0]!.version).toBe(17);
  });

  it('names the file when it is not ONNX', () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-info-'));
    const cases: [string, Uint8Array | string][] = [
      ['truncated.onnx', readFileSync(SHIPPED).subarray(0, 5000)],
      ['text.onnx', 'this is not a model\n'],
      ['empty.onnx', ''],
    ];
    for (const [name, content] of cases) {
      const file = join(dir, name);
      writeFileSync(file, content);
      expect(() => modelInfo(file), name).toThrow(ModelFileError);
      expect(() => modelInfo(file), name).toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: (not an ONNX model|empty file)`));
    }
    expect(() => modelInfo(join(dir, 'missing.onnx'))).toThrow(`model file not found: ${join(dir, 'missing.onnx')}`);
  });
});
