import { describe, expect, it } from 'vitest';
import { SafetyLayer } from './safety-layer.ts';

describe('SafetyLayer', () => {
  const layer = () => new SafetyLayer([{ min: -1, max: 1, velocity: 2 }, { min: -2, max: 2 }], 0.3);
  it('passes a command within every limit unchanged', () => {
    const s = layer();
    const r = s.filter(Float64Array.of(0.1, -0.2), Float64Array.of(0, 0), Float64Array.of(0, 0), 0.1);
    expect([...r.action]).toEqual([0.1, -0.2]);
    expect(r.clamped).toBe(0);
  });
  it('clamps to position limits, the speed limit and the max step, counting each', () => {
    const s = layer();
    const r = s.filter(Float64Array.of(5, -1.9), Float64Array.of(0.9, 0), Float64Array.of(0.9, 0), 0.01);
    // Joint 0: limit 1, then speed 2 rad/s × 10 ms from 0.9 → 0.92. Joint 1: 0.3 step from 0.
    expect(r.action[0]).toBeCloseTo(0.92);
    expect(r.action[1]).toBeCloseTo(-0.3);
    expect(r.clamped).toBe(2);
    expect(s.counters).toMatchObject({ positionClamps: 1, velocityClamps: 1, stepClamps: 1 });
  });
  it('NaN holds the present position', () => {
    const s = layer();
    const r = s.filter(Float64Array.of(NaN, 0), Float64Array.of(0.5, 0.25), undefined, 0.01);
    expect([...r.action]).toEqual([0.5, 0.25]);
    expect(r.overridden).toMatch(/non-finite/);
    expect(s.counters.nonFinite).toBe(1);
  });
});
