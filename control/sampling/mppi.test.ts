import { describe, expect, it } from 'vitest';
import { mppiWeights } from './mppi.ts';

describe('mppiWeights', () => {
  it('is a normalised softmin relative to the cost spread', () => {
    const w = mppiWeights(Float64Array.of(1, 2, 3), 1);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
    // spread 2, λ = 1: w ∝ exp(−(c − 1)/2)
    expect(w[1]! / w[0]!).toBeCloseTo(Math.exp(-0.5));
    expect(w[2]! / w[0]!).toBeCloseTo(Math.exp(-1));
  });

  it('becomes greedy as the temperature falls and uniform as it rises', () => {
    expect(mppiWeights(Float64Array.of(5, 1, 3), 0.001)[1]).toBeCloseTo(1);
    const hot = mppiWeights(Float64Array.of(5, 1, 3), 1000);
    for (const x of hot) expect(x).toBeCloseTo(1 / 3, 2);
  });

  it('handles equal costs without dividing by zero', () => {
    expect(Array.from(mppiWeights(Float64Array.of(2, 2), 0.1))).toEqual([0.5, 0.5]);
  });
});
