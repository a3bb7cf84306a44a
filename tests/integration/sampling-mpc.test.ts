/**
 * Predictive sampling swings the pendulum up and balances it (upright for the last 2 s of 10 s) on the
 * real Rapier model, where zero control cannot swing the cart-pole up. MPPI, every planning task's default,
 * is run on each task by tests/integration/task-defaults-*.test.ts, CEM by docs/success-matrix.md.
 */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../engine/run-episode.ts';

describe('swing-up', () => {
  it('predictive sampling swings the pendulum up and balances it', async () => {
    const result = await runEpisode({ taskId: 'pendulum-swingup', controllerId: 'predictive-sampling', seed: 1 });
    expect(result.success).toBe(true);
  });

  it('zero control never swings up (the metric can fail)', async () => {
    const result = await runEpisode({ taskId: 'cartpole-swingup', controllerId: 'zero', seed: 0, seconds: 10 });
    expect(result.success).toBe(false);
    expect(Math.abs(result.metrics.finalAngle!)).toBeGreaterThan(2.5);
  });
});

