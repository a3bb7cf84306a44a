/** The Training panel's curve: one metric against environment steps, scaled into an SVG box. */
import type { TrainingMetrics } from '../../protocol/training.ts';

/** The metrics a user picks from, with their labels (keys of a metrics.jsonl row). */
export const TRAINING_METRICS = [
  ['returnMean', 'return'],
  ['episodeLength', 'episode length'],
  ['successRate', 'success rate'],
  ['approxKl', 'approx KL'],
  ['entropy', 'entropy'],
  ['actionStd', 'action std'],
  ['explainedVariance', 'explained variance'],
  ['envStepsPerSecond', 'env steps/s'],
] as const;

export interface ChartPath {
  /** SVG path data ("M x y L x y …"); empty without two points. */
  d: string;
  x: [number, number];
  y: [number, number];
  points: number;
}

/** Rows with a finite `metric` (an iteration where no episode ended has null) along envSteps. */
export function chartPath(rows: readonly TrainingMetrics[], metric: string, width: number, height: number): ChartPath {
  const pts: [number, number][] = [];
  for (const row of rows) {
    const x = row.envSteps ?? row.iteration;
    const y = row[metric];
    if (typeof x === 'number' && typeof y === 'number' && Number.isFinite(x) && Number.isFinite(y)) pts.push([x, y]);
  }
  if (pts.length === 0) return { d: '', x: [0, 0], y: [0, 0], points: 0 };
  const xs = pts.map((p) => p[0]);
  const ys = pts.map((p) => p[1]);
  const x: [number, number] = [Math.min(...xs), Math.max(...xs)];
  const y: [number, number] = [Math.min(...ys), Math.max(...ys)];
  // A flat line sits in the middle rather than on an edge.
  const ySpan = y[1] - y[0] || Math.abs(y[0]) || 1;
  const y0 = y[1] === y[0] ? y[0] - ySpan / 2 : y[0];
  const xSpan = x[1] - x[0] || 1;
  const d = pts
    .map(([px, py], i) => `${i ? 'L' : 'M'}${(((px - x[0]) / xSpan) * width).toFixed(1)} ${(height - ((py - y0) / ySpan) * height).toFixed(1)}`)
    .join(' ');
  return { d: pts.length > 1 ? d : '', x, y, points: pts.length };
}
