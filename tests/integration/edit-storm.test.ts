/**
 * 100 task and controller switches in 10 s from one client (issue 13: callers waited a median 37 s,
 * max 77 s, and the other client fell to 2 frames/s). Switches to and from the sampling planners reuse
 * the running rollout threads and superseded edits are dropped, so the latest edit lands within a
 * second of being sent and another client keeps its frames. Figures go to docs/security.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../../protocol/api.ts';
import { openClient, rate, serveEngine, type Served } from './support/studio-client.ts';

let served: Served;
beforeAll(async () => {
  served = await serveEngine({ taskId: 'cartpole-swingup', controllerId: 'mppi' });
}, 60_000);
afterAll(async () => served?.close());

type Edit = { method: 'setController'; params: { id: string } } | { method: 'setTask'; params: { id: string } } | { method: 'setParams'; params: { scope: 'controller'; values: Record<string, number> } };

/** Switches that each cost seconds before: planners in and out, tasks back and forth, a planner setting. */
const EDITS: Edit[] = [
  { method: 'setController', params: { id: 'cem' } },
  { method: 'setTask', params: { id: 'pendulum-swingup' } },
  { method: 'setController', params: { id: 'zero' } },
  { method: 'setController', params: { id: 'predictive-sampling' } },
  { method: 'setTask', params: { id: 'cartpole-swingup' } },
  { method: 'setController', params: { id: 'mppi' } },
  { method: 'setParams', params: { scope: 'controller', values: { threads: 1 } } },
  { method: 'setParams', params: { scope: 'controller', values: { threads: 2 } } },
];

describe('an edit storm', () => {
  it('lands the latest of 100 switches in 10 s within a second, and another client keeps its frames', async () => {
    const watcher = await openClient(served.server.port);
    const editor = await openClient(served.server.port);
    await watcher.client.call('play');
    await new Promise((r) => setTimeout(r, 1000));
    const baselineStart = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    const baseline = rate(watcher.frames, baselineStart, performance.now());

    const waits: number[] = [];
    const answers: Promise<SessionSnapshot>[] = [];
    const stormStart = performance.now();
    let lastSent = 0;
    for (let i = 0; i < 100; i++) {
      const edit = EDITS[i % EDITS.length]!;
      lastSent = performance.now();
      const sent = lastSent;
      const answer = editor.client.call(edit.method, edit.params as never) as Promise<SessionSnapshot>;
      answers.push(answer.finally(() => void waits.push(performance.now() - sent)));
      await new Promise((r) => setTimeout(r, 100));
    }
    const last = await answers.at(-1)!;
    const lastLatency = performance.now() - lastSent;
    await Promise.all(answers);
    const stormEnd = performance.now();
    const during = rate(watcher.frames, stormStart, stormEnd);

    // The 100th edit is the 4th of the list (predictive sampling), after the 2nd (the pendulum).
    expect(last.task.id).toBe('pendulum-swingup');
    expect(last.controller.id).toBe('predictive-sampling');
    expect(last.error).toBeUndefined();
    const sorted = [...waits].sort((a, b) => a - b);
    console.log(
      `edit storm: latest edit landed ${lastLatency.toFixed(0)} ms after it was sent; callers waited median ${sorted[50]!.toFixed(0)} ms, max ${sorted.at(-1)!.toFixed(0)} ms; ` +
        `superseded ${served.engine.edits.superseded}; watcher ${baseline.toFixed(1)} frames/s before, ${during.toFixed(1)} during`,
    );
    // Measured 0.3 s with the machine's load at 11–23 on 2 cores (before: a median 37 s); the bound is
    // loose for a noisy machine, and `actuate bench --only edit-storm` tracks the figure.
    expect(lastLatency).toBeLessThan(2500);
    expect(sorted.at(-1)!).toBeLessThan(10_000);
    expect(during).toBeGreaterThanOrEqual(0.5 * baseline);
    watcher.client.close();
    editor.client.close();
  }, 120_000);
});
