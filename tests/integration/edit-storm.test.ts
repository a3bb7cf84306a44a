/**
 * 100 task and controller switches in 10 s from one client (issue 13: callers waited a median 37 s,
 * max 77 s, and the other client fell to 2 frames/s). Switches to and from the sampling planners reuse
 * the running rollout threads and never wait for the old planner, so the latest edit lands well within
 * a second of being sent and another client keeps its frames. Figures go to docs/security.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editStorm } from '../../bench/edit-storm-driver.ts';
import { openClient, serveEngine, type Served } from './support/studio-client.ts';

let served: Served;
beforeAll(async () => {
  served = await serveEngine({ taskId: 'cartpole-swingup', controllerId: 'mppi' });
}, 60_000);
afterAll(async () => served?.close());

describe('an edit storm', () => {
  it('lands the latest of 100 switches in 10 s within a second, and another client keeps its frames', async () => {
    const watcher = await openClient(served.server.port);
    const editor = await openClient(served.server.port);
    const storm = await editStorm(watcher, editor.client);
    watcher.client.close();
    editor.client.close();
    const waits = storm.waitsMs;
    console.log(
      `edit storm: latest edit landed ${storm.lastLatencyMs.toFixed(0)} ms after it was sent; callers waited median ${waits[50]!.toFixed(0)} ms, max ${waits.at(-1)!.toFixed(0)} ms; ` +
        `superseded ${served.engine.edits.superseded}; watcher ${storm.baselineFps.toFixed(1)} frames/s before, ${storm.duringFps.toFixed(1)} during`,
    );
    // The 100th edit is the list's 4th (predictive sampling), after its 2nd (the pendulum).
    expect(storm.last.task.id).toBe('pendulum-swingup');
    expect(storm.last.controller.id).toBe('predictive-sampling');
    expect(storm.last.error).toBeUndefined();
    // Measured 0.3 s with the machine's load at 11–23 on 2 cores (before: a median 37 s); the bound is
    // loose for a noisy machine, and `actuate bench --only edit-storm` tracks the figure against 1 s.
    expect(storm.lastLatencyMs).toBeLessThan(2500);
    expect(waits.at(-1)!).toBeLessThan(10_000);
    expect(storm.duringFps).toBeGreaterThanOrEqual(0.5 * storm.baselineFps);
  }, 120_000);
});
