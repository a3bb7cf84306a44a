import { describe, expect, it } from 'vitest';
import { evaluateSpline, shiftSpline, type SplineShape } from './action-spline.ts';

const at = (shape: SplineShape, values: number[], t: number) => {
  const out = new Float64Array(shape.actionDim);
  evaluateSpline(shape, values, 0, t, out);
  return Array.from(out);
};

describe('action spline', () => {
  it('passes through its knots with every interpolation', () => {
    for (const interpolation of ['zero', 'linear', 'cubic'] as const) {
      const shape: SplineShape = { knots: 3, actionDim: 1, horizon: 1, interpolation };
      expect(at(shape, [1, -1, 3], 0)).toEqual([1]);
      expect(at(shape, [1, -1, 3], 0.5)[0]).toBeCloseTo(-1);
      expect(at(shape, [1, -1, 3], 1)[0]).toBeCloseTo(3);
      expect(at(shape, [1, -1, 3], 2)[0]).toBeCloseTo(3); // held past the horizon
    }
  });

  it('interpolates between knots per interpolation kind', () => {
    const values = [0, 0, 2, 4, 4, 0]; // 3 knots × 2 actions
    const linear: SplineShape = { knots: 3, actionDim: 2, horizon: 2, interpolation: 'linear' };
    expect(at(linear, values, 0.5)).toEqual([1, 2]);
    expect(at({ ...linear, interpolation: 'zero' }, values, 0.5)).toEqual([0, 0]);
    // Catmull-Rom reproduces a straight line exactly.
    const cubic: SplineShape = { knots: 4, actionDim: 1, horizon: 3, interpolation: 'cubic' };
    expect(at(cubic, [0, 1, 2, 3], 1.5)[0]).toBeCloseTo(1.5);
  });

  it('shifts a plan forward for warm starting', () => {
    const shape: SplineShape = { knots: 5, actionDim: 1, horizon: 1, interpolation: 'linear' };
    const shifted = shiftSpline(shape, Float64Array.of(0, 1, 2, 3, 4), 0.25, shape);
    expect(Array.from(shifted)).toEqual([1, 2, 3, 4, 4]);
  });
});
