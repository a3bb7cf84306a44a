/**
 * Predictive sampling swings the cart-pole up and balances it (upright, |angle| < 0.2 rad, for the last
 * 2 s of 10 s) on the real Rapier model, where zero control cannot. MPPI, every planning task's default,
 * is run on each task by tests/integration/task-defaults.test.ts, CEM by docs/success-matrix.md.
 */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../engine/run-episode.ts';

describe('cart-pole swing-up', () => {
  it.each(['predictive-sampling'])('%s swings up and balances', async (controllerId) => {
    const result = await runEpisode({ taskId: 'cartpole-swingup', controllerId, seed: 1, seconds: 10 });
    expect(result.metrics.uprightFraction).toBe(1);
    expect(result.success).toBe(true);
  });

  it('zero control never swings up (the metric can fail)', async () => {
    const result = await runEpisode({ taskId: 'cartpole-swingup', controllerId: 'zero', seed: 0, seconds: 10 });
    expect(result.success).toBe(false);
    expect(Math.abs(result.metrics.finalAngle!)).toBeGreaterThan(2.5);
  });
});

