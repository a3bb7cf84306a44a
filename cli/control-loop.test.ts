import { describe, expect, it } from 'vitest';
import { LoopStats, loopOptions, runAtRate } from './control-loop.ts';

const block = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('runAtRate', () => {
  it('drops the slots a slow tick missed instead of running them in a burst, and ends on time', async () => {
    const stats = new LoopStats(100);
    const starts: number[] = [];
    await runAtRate(stats, 0.2, async () => {
      starts.push(performance.now());
      // The first tick takes five periods.
      if (starts.length === 1) await block(50);
    });
    expect(stats.skipped).toBeGreaterThanOrEqual(3);
    // Every slot is either ticked or skipped, never both, never more than the duration holds.
    expect(stats.ticks + stats.skipped).toBeLessThanOrEqual(20);
    expect(stats.ticks).toBe(starts.length);
    expect(stats.summary()).toMatchObject({ ticks: stats.ticks, targetHz: 100, skipped: stats.skipped });
  });

  it('stops when a tick says so', async () => {
    const stats = new LoopStats(1000);
    let n = 0;
    await runAtRate(stats, 10, async () => ++n < 3);
    expect(stats.ticks).toBe(3);
  });
});

describe('loopOptions', () => {
  it('names the option that is wrong', () => {
    const fail = (m: string) => new Error(m);
    expect(loopOptions('50', '2', fail)).toEqual({ rate: 50, seconds: 2 });
    expect(() => loopOptions('0', '2', fail)).toThrow('--rate 0: expected a rate in Hz (0–2000]');
    expect(() => loopOptions('50', 'x', fail)).toThrow('--seconds x: expected a positive duration');
  });
});
