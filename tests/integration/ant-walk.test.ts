/**
 * The Ant's success metric can fail: zero control stays in place. (MPPI, its default, walks it to success
 * in tests/integration/task-defaults-*.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { runEpisode } from '../../engine/run-episode.ts';

describe('ant-walk', () => {
  it('zero control stands still (the metric can fail)', async () => {
    const result = await runEpisode({ taskId: 'ant-walk', controllerId: 'zero', seed: 0, seconds: 5 });
    expect(result.metrics.fell).toBe(0);
    expect(Math.abs(result.metrics.distance!)).toBeLessThan(0.2);
    expect(result.success).toBe(false);
  });
});
