import { describe, expect, it } from 'vitest';
import { applyNorm, residualSize, totalCost, type CostTerm } from './cost.ts';

describe('cost terms', () => {
  it('evaluates each norm', () => {
    expect(applyNorm({ kind: 'quadratic' }, [3, 4], 0, 2)).toBe(12.5);
    expect(applyNorm({ kind: 'smoothAbs', p: 0.1 }, [3, 4], 0, 2)).toBeCloseTo(Math.sqrt(25.01) - 0.1);
    expect(applyNorm({ kind: 'l1' }, [0, -3, 4], 1, 2)).toBe(7);
    expect(applyNorm({ kind: 'gaussian', scale: 0.25 }, [0.3, 0.4], 0, 2)).toBeCloseTo(1 - Math.exp(-1));
    expect(applyNorm({ kind: 'gaussian', scale: 0.25 }, [30, 40], 0, 2)).toBe(1);
  });

  it('weights terms over their residual slices', () => {
    const terms: CostTerm[] = [
      { name: 'a', dim: 1, norm: { kind: 'quadratic' }, weight: 1, range: [0, 10] },
      { name: 'b', dim: 2, norm: { kind: 'l1' }, weight: 1, range: [0, 10] },
    ];
    expect(residualSize(terms)).toBe(3);
    const perTerm = new Float64Array(2);
    expect(totalCost(terms, [2, 0.5], [2, -1, 1], perTerm)).toBe(2 * 2 + 0.5 * 2);
    expect(Array.from(perTerm)).toEqual([4, 1]);
  });
});
