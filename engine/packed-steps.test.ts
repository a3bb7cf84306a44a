import { describe, expect, it } from 'vitest';
import type { StepSample } from '../bridges/recording/session-recorder.ts';
import { StepPacker, unpackSteps } from './packed-steps.ts';

/** A step whose every number is distinct; every third sends a command, every fifth an overridden one. */
function sampleAt(k: number): StepSample {
  const numbers = (n: number, from: number) => Float64Array.from({ length: n }, (_, i) => k * 1000 + from + i + 0.5);
  const sample: StepSample = { time: k * 0.02, cost: -k, state: numbers(13 * ((k % 3) + 1), 0), action: numbers(k % 4, 100), costTerms: numbers(2, 200) };
  if (k % 3 === 0) {
    sample.command = {
      requested: numbers(k % 4, 300),
      sent: { action: numbers((k % 4) + 1, 400), clamped: k % 2, ...(k % 5 === 0 ? { overridden: `hold ${k}` } : {}) },
    };
  }
  return sample;
}

describe('packed steps', () => {
  it('unpack to what was packed, commands and reasons included, across buffer growth', () => {
    const packer = new StepPacker();
    const sent = Array.from({ length: 400 }, (_, k) => sampleAt(k));
    for (const s of sent) packer.add(s);
    expect(packer.count).toBe(400);
    const batch = packer.take();
    expect(batch.used).toBe(sent.reduce((n, s) => n + StepPacker.doubles(s), 0));
    expect(batch.buffer.byteLength).toBeGreaterThan(8 << 13);
    expect(packer.count).toBe(0);
    expect([...unpackSteps(batch)]).toEqual(sent);
    expect(packer.take().used).toBe(0);
  });
});
