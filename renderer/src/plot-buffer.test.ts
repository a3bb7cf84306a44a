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
});
