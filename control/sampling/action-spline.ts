/**
 * A plan's actions as spline knots spaced evenly over the horizon, as MuJoCo MPC parameterises its
 * sampling planners: noise is added to a few knots instead of to every step, which keeps samples smooth
 * and the search low-dimensional.
 */

export type Interpolation = 'zero' | 'linear' | 'cubic';

export interface SplineShape {
  knots: number;
  actionDim: number;
  horizon: number;
  interpolation: Interpolation;
}

/** Evaluates the spline stored in `values` (knots × actionDim, starting at `offset`) at time t ∈ [0, horizon]. */
export function evaluateSpline(
  shape: SplineShape,
  values: ArrayLike<number>,
  offset: number,
  t: number,
  out: Float64Array,
  outOffset = 0,
): void {
  const { knots, actionDim: m, horizon, interpolation } = shape;
  const spacing = knots > 1 ? horizon / (knots - 1) : horizon;
  const x = Math.min(Math.max(t / spacing, 0), knots - 1);
  const i = Math.min(Math.floor(x), knots - 1);
  const u = x - i;
  const j = Math.min(i + 1, knots - 1);
  for (let d = 0; d < m; d++) {
    const a = values[offset + i * m + d]!;
    const b = values[offset + j * m + d]!;
    if (interpolation === 'zero') out[outOffset + d] = a;
    else if (interpolation === 'linear') out[outOffset + d] = a + (b - a) * u;
    else {
      // Catmull-Rom through the neighbouring knots (clamped at the ends).
      const p0 = values[offset + Math.max(i - 1, 0) * m + d]!;
      const p3 = values[offset + Math.min(j + 1, knots - 1) * m + d]!;
      const u2 = u * u;
      const u3 = u2 * u;
      out[outOffset + d] =
        0.5 * (2 * a + (-p0 + b) * u + (2 * p0 - 5 * a + 4 * b - p3) * u2 + (-p0 + 3 * a - 3 * b + p3) * u3);
    }
  }
}

/** Time of knot k. */
export function knotTime(shape: SplineShape, k: number): number {
  return shape.knots > 1 ? (k * shape.horizon) / (shape.knots - 1) : 0;
}

/**
 * Warm start: re-samples a spline shifted `elapsed` seconds forward (the part of the plan already
 * executed drops off the front; the end is held) into a spline of `target` shape.
 */
export function shiftSpline(
  from: SplineShape,
  values: Float64Array,
  elapsed: number,
  target: SplineShape,
): Float64Array {
  const out = new Float64Array(target.knots * target.actionDim);
  const scratch = new Float64Array(from.actionDim);
  for (let k = 0; k < target.knots; k++) {
    evaluateSpline(from, values, 0, knotTime(target, k) + elapsed, scratch);
    out.set(scratch, k * target.actionDim);
  }
  return out;
}
