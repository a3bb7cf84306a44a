import { describe, expect, it } from 'vitest';
import { runEpisode } from './run-episode.ts';

describe('runEpisode', () => {
  it('runs lock-step: two runs of a planner with one seed return the same, another seed differs', async () => {
    const run = (seed: number) => runEpisode({ taskId: 'cartpole-swingup', controllerId: 'mppi', seed, seconds: 0.5, controllerParams: { samples: 8, threads: 1 } });
    const [a, b, c] = [await run(5), await run(5), await run(6)];
    expect(a.error).toBeUndefined();
    expect(a.steps).toBe(25);
    expect(b.return).toBe(a.return);
    expect(b.metrics).toEqual(a.metrics);
    expect(c.return).not.toBe(a.return);
  });
});
