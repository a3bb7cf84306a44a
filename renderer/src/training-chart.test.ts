import { describe, expect, it } from 'vitest';
import { chartPath } from './training-chart.ts';

describe('chartPath', () => {
  it('scales a metric against env steps into the box, skipping iterations without a value', () => {
    const rows = [
      { iteration: 1, envSteps: 100, returnMean: -10 },
      { iteration: 2, envSteps: 200, returnMean: null },
      { iteration: 3, envSteps: 300, returnMean: 0 },
    ];
    const path = chartPath(rows, 'returnMean', 200, 100);
    expect(path.points).toBe(2);
    expect(path.x).toEqual([100, 300]);
    expect(path.y).toEqual([-10, 0]);
    expect(path.d).toBe('M0.0 100.0 L200.0 0.0');
  });

  it('draws nothing for fewer than two points, and a flat series mid-height', () => {
    expect(chartPath([{ envSteps: 1, returnMean: 3 }], 'returnMean', 10, 10).d).toBe('');
    expect(chartPath([{ envSteps: 1, returnMean: 3 }, { envSteps: 2, returnMean: 3 }], 'returnMean', 10, 10).d).toBe('M0.0 5.0 L10.0 5.0');
  });
});
