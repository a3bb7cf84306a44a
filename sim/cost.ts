/**
 * Cost terms as data, as in MuJoCo MPC: each term names a slice of the task's residual vector, a norm
 * and a weight. cost = Σ_i weight_i · norm_i(residual_i). The weights are live parameters.
 */

export type Norm =
  /** ½‖r‖² */
  | { kind: 'quadratic' }
  /** √(‖r‖² + p²) − p: quadratic near zero, linear far away. */
  | { kind: 'smoothAbs'; p: number }
  /** ‖r‖₁ */
  | { kind: 'l1' }
  /**
   * 1 − exp(−‖r‖²/scale): legged_gym's tracking kernel as a cost, bounded by 1, so weight − cost is its
   * positive tracking reward (`scale` is its `tracking_sigma`, 0.25).
   */
  | { kind: 'gaussian'; scale: number };

export interface CostTerm {
  name: string;
  /** Number of residual entries this term reads. */
  dim: number;
  norm: Norm;
  weight: number;
  /** Slider range for the weight. */
  range: [number, number];
  help?: string;
}

export function residualSize(terms: readonly CostTerm[]): number {
  return terms.reduce((n, t) => n + t.dim, 0);
}

export function applyNorm(norm: Norm, r: ArrayLike<number>, offset: number, dim: number): number {
  let sq = 0;
  switch (norm.kind) {
    case 'quadratic':
      for (let i = 0; i < dim; i++) sq += r[offset + i]! ** 2;
      return 0.5 * sq;
    case 'smoothAbs':
      for (let i = 0; i < dim; i++) sq += r[offset + i]! ** 2;
      return Math.sqrt(sq + norm.p * norm.p) - norm.p;
    case 'gaussian':
      for (let i = 0; i < dim; i++) sq += r[offset + i]! ** 2;
      return 1 - Math.exp(-sq / norm.scale);
    case 'l1': {
      let s = 0;
      for (let i = 0; i < dim; i++) s += Math.abs(r[offset + i]!);
      return s;
    }
  }
}

/** Total weighted cost of a residual vector; writes each term's weighted cost into `perTerm` if given. */
export function totalCost(
  terms: readonly CostTerm[],
  weights: ArrayLike<number>,
  residual: ArrayLike<number>,
  perTerm?: Float64Array,
): number {
  let total = 0;
  let offset = 0;
  for (let i = 0; i < terms.length; i++) {
    const term = terms[i]!;
    const c = weights[i]! * applyNorm(term.norm, residual, offset, term.dim);
    if (perTerm) perTerm[i] = c;
    total += c;
    offset += term.dim;
  }
  return total;
}
