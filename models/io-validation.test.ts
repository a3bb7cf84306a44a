import { describe, expect, it } from 'vitest';
import { ModelIoError, NonFiniteOutputError, checkFinite, validateFeeds, type TensorSignature } from './io-validation.ts';

const t = (dims: number[], type = 'float32') => ({ type, dims, data: new Float32Array(dims.reduce((a, b) => a * b, 1)) });

describe('io validation', () => {
  const sigs: TensorSignature[] = [
    { name: 'sample', shape: ['batch', 16, 2], dtype: 'float32' },
    { name: 'timestep', shape: ['batch'], dtype: 'int64' },
  ];

  it('binds symbolic dims consistently across inputs', () => {
    expect(validateFeeds(sigs, { sample: t([4, 16, 2]), timestep: t([4], 'int64') })).toEqual({ batch: 4 });
    expect(() => validateFeeds(sigs, { sample: t([4, 16, 2]), timestep: t([3], 'int64') })).toThrow(
      "input 'timestep' expects [batch] int64, got [3] ('batch' is 4 in another input)",
    );
  });

  it('says what was expected and what was given', () => {
    expect(() => validateFeeds(sigs, { sample: t([4, 8, 2]), timestep: t([4], 'int64') })).toThrow("input 'sample' expects [batch,16,2] float32, got [4,8,2]");
    expect(() => validateFeeds(sigs, { sample: t([4, 16, 2]), timestep: t([4]) })).toThrow("input 'timestep' expects [batch] int64, got [4] float32");
    expect(() => validateFeeds(sigs, { sample: t([16, 2]), timestep: t([4], 'int64') })).toThrow(ModelIoError);
    expect(() => validateFeeds(sigs, { sample: { type: 'float32', dims: [1, 16, 2], data: new Float32Array(5) }, timestep: t([1], 'int64') })).toThrow(
      "input 'sample': shape [1,16,2] holds 32 values, data has 5",
    );
  });

  it('finds the first non-finite output element', () => {
    expect(() => checkFinite({ a: { type: 'float32', dims: [2, 2], data: Float32Array.of(0, 1, 2, 3) } })).not.toThrow();
    expect(() => checkFinite({ a: { type: 'float32', dims: [2, 2], data: Float32Array.of(0, 1, Infinity, NaN) } }, 'dyn.onnx')).toThrow(
      "dyn.onnx: output 'a' has +Inf at [1,0] (2 of 4 values are not finite)",
    );
    expect(() => checkFinite({ a: { type: 'float32', dims: [3], data: Float32Array.of(0, -Infinity, 1) } })).toThrow(NonFiniteOutputError);
    // Integer outputs are not checked.
    expect(() => checkFinite({ i: { type: 'int64', dims: [1], data: BigInt64Array.of(1n) } })).not.toThrow();
  });
});
