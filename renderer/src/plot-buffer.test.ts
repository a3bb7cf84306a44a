import { describe, expect, it } from 'vitest';
import { PlotBuffer } from './plot-buffer.ts';

describe('PlotBuffer', () => {
  it('keeps the newest samples in time order', () => {
    const b = new PlotBuffer(2, 3);
    for (let t = 0; t < 5; t++) b.push(t, [t * 10, -t]);
    expect(b.data()).toEqual([[2, 3, 4], [20, 30, 40], [-2, -3, -4]]);
  });

  it('starts over when time goes backwards (a reset)', () => {
    const b = new PlotBuffer(1, 10);
    b.push(1, [1]);
    b.push(2, [2]);
    b.push(0.02, [5]);
    expect(b.data()).toEqual([[0.02], [5]]);
  });

  it('fills missing series with NaN', () => {
    const b = new PlotBuffer(2, 2);
    b.push(0, [1]);
    expect(b.data()[2]![0]).toBeNaN();
  });

  it('keeps only the last window of simulated time', () => {
    const b = new PlotBuffer(1, 100, 1);
    for (let k = 0; k <= 30; k++) b.push(k * 0.1, [k]);
    const [time] = b.data();
    expect(time![0]).toBeCloseTo(2);
    expect(time!.at(-1)).toBeCloseTo(3);
    expect(b.size).toBe(11);
  });

  it('wraps around its storage while trimming by time', () => {
    const b = new PlotBuffer(1, 4, 10);
    for (let t = 0; t < 10; t++) b.push(t, [t]);
    expect(b.data()).toEqual([[6, 7, 8, 9], [6, 7, 8, 9]]);
    b.push(25, [25]);
    expect(b.data()).toEqual([[25], [25]]);
  });
});
