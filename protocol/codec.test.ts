import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeMessage } from './codec.ts';

describe('codec', () => {
  it('round-trips typed arrays inside JSON', () => {
    const message = { type: 'event', data: { poses: Float32Array.of(1.5, -2, 3), state: Float64Array.of(Math.PI), indices: Uint32Array.of(0, 4000000000), n: 3 } };
    const decoded = decodeMessage(encodeMessage(message)) as typeof message;
    expect(decoded.data.poses).toBeInstanceOf(Float32Array);
    expect(Array.from(decoded.data.poses)).toEqual([1.5, -2, 3]);
    expect(decoded.data.state[0]).toBe(Math.PI);
    expect(decoded.data.indices).toBeInstanceOf(Uint32Array);
    expect(Array.from(decoded.data.indices)).toEqual([0, 4000000000]);
    expect(decoded.data.n).toBe(3);
  });

  it('round-trips a subarray view without its neighbours', () => {
    const whole = Float32Array.of(9, 1, 2, 9);
    const decoded = decodeMessage(encodeMessage({ a: whole.subarray(1, 3) })) as { a: Float32Array };
    expect(Array.from(decoded.a)).toEqual([1, 2]);
  });

  it('rejects an unknown typed-array tag', () => {
    expect(() => decodeMessage('{"a":{"$typed":"i8","b64":""}}')).toThrow("unknown typed array tag 'i8'");
  });
});
