/**
 * The sampling planners solve the foundation tasks in closed loop on the real Rapier model:
 * cart-pole swing-up (upright, |angle| < 0.2 rad, for the last 2 s of 10 s) and push-box (box within
 * 5 cm of the goal within 20 s). MPPI, every task's default planner, is run on each task by
 * tests/integration/task-defaults.test.ts, CEM by docs/success-matrix.md; here predictive sampling and the
 * early-exit push.
 */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../engine/run-episode.ts';
import { Session } from '../../engine/session.ts';

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

describe('push-box', () => {
  it('mppi brings the box within 5 cm of the goal within 20 s', async () => {
    const session = await Session.create({ taskId: 'push-box', controllerId: 'mppi', seed: 2 });
    try {
      let distance = Infinity;
      while (session.simTime < 20 && distance >= 0.05) {
        await session.runFor(session.simTime + 0.5);
        distance = session.result().metrics.finalDistance!;
      }
      expect(distance).toBeLessThan(0.05);
      expect(session.simTime).toBeLessThanOrEqual(20);
    } finally {
      await session.dispose();
    }
  });
});
