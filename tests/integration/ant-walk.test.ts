/**
 * A sampling planner makes the Ant walk on the real Rapier model: MPPI with the task's planner defaults
 * carries the torso well over a metre forward within 4 s without falling, where zero control stays in place.
 */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../engine/run-episode.ts';

describe('ant-walk', () => {
  it('mppi walks the ant forward', async () => {
    const result = await runEpisode({ taskId: 'ant-walk', controllerId: 'mppi', seed: 0, seconds: 4 });
    expect(result.error).toBeUndefined();
    expect(result.metrics.fell).toBe(0);
    expect(result.metrics.distance).toBeGreaterThan(1.5);
    expect(result.success).toBe(true);
  }, 120_000);

  it('zero control stands still (the metric can fail)', async () => {
    const result = await runEpisode({ taskId: 'ant-walk', controllerId: 'zero', seed: 0, seconds: 5 });
    expect(result.metrics.fell).toBe(0);
    expect(Math.abs(result.metrics.distance!)).toBeLessThan(0.2);
    expect(result.success).toBe(false);
  });
});
