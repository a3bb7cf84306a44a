import { describe, expect, it } from 'vitest';
import { RateMeter, RollingStats } from './timing-stats.ts';

describe('RollingStats', () => {
  it('keeps the mean and percentiles of the last values only', () => {
    const s = new RollingStats(4);
    for (const v of [100, 1, 2, 3, 4]) s.add(v);
    expect(s.count).toBe(4);
    expect(s.mean()).toBe(2.5);
    expect(s.percentile(99)).toBe(4);
    expect(s.percentile(0)).toBe(1);
  });
});

describe('RateMeter', () => {
  it('counts events per second over its window', () => {
    const m = new RateMeter(1000);
    for (let t = 0; t <= 500; t += 10) m.tick(t);
    expect(m.rate(500)).toBeCloseTo(100, 0);
    expect(m.rate(2000)).toBe(0);
  });
});
