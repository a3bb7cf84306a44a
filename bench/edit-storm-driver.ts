/**
 * An edit storm: one client of a studio engine sends 100 task, controller and planner-setting switches
 * in 10 s while another plays and counts frames (issue 13's probe). Driven over real WebSockets by the
 * edit-storm integration test and over in-process ports by the `edit-storm` bench suite.
 */
import type { SessionSnapshot } from '../protocol/api.ts';
import type { Client } from '../protocol/rpc.ts';

type Edit =
  | { method: 'setController'; params: { id: string } }
  | { method: 'setTask'; params: { id: string } }
  | { method: 'setParams'; params: { scope: 'controller'; values: Record<string, number> } };

/** Switches that each cost seconds before: planners in and out, tasks back and forth, a planner setting. */
export const STORM_EDITS: readonly Edit[] = [
  { method: 'setController', params: { id: 'cem' } },
  { method: 'setTask', params: { id: 'pendulum-swingup' } },
  { method: 'setController', params: { id: 'zero' } },
  { method: 'setController', params: { id: 'predictive-sampling' } },
  { method: 'setTask', params: { id: 'cartpole-swingup' } },
  { method: 'setController', params: { id: 'mppi' } },
  { method: 'setParams', params: { scope: 'controller', values: { threads: 1 } } },
  { method: 'setParams', params: { scope: 'controller', values: { threads: 2 } } },
];

export interface StormResult {
  /** From sending the last edit to its answer, ms. */
  lastLatencyMs: number;
  /** Every caller's wait, ms, sorted. */
  waitsMs: number[];
  /** The watcher's frames per second before the storm and during it. */
  baselineFps: number;
  duringFps: number;
  /** The session after the last edit. */
  last: SessionSnapshot;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Frames per second among `frames` (performance.now() times) in [from, to]. */
function rate(frames: readonly number[], from: number, to: number): number {
  return frames.filter((t) => t >= from && t <= to).length / ((to - from) / 1000);
}

/**
 * Runs the storm: `watcher` plays (its `frames` filled with the arrival time of each frame), `editor`
 * sends `edits` edits `intervalMs` apart.
 */
export async function editStorm(watcher: { client: Client; frames: number[] }, editor: Client, edits = 100, intervalMs = 100): Promise<StormResult> {
  await watcher.client.call('play');
  await sleep(1000);
  const baselineStart = performance.now();
  await sleep(3000);
  const baselineFps = rate(watcher.frames, baselineStart, performance.now());

  const waitsMs: number[] = [];
  const answers: Promise<SessionSnapshot>[] = [];
  const stormStart = performance.now();
  let lastSent = 0;
  for (let i = 0; i < edits; i++) {
    const edit = STORM_EDITS[i % STORM_EDITS.length]!;
    const sent = (lastSent = performance.now());
    const answer = editor.call(edit.method, edit.params as never) as Promise<SessionSnapshot>;
    answers.push(answer.finally(() => void waitsMs.push(performance.now() - sent)));
    await sleep(intervalMs);
  }
  const last = await answers.at(-1)!;
  const lastLatencyMs = performance.now() - lastSent;
  await Promise.all(answers);
  const duringFps = rate(watcher.frames, stormStart, performance.now());
  return { lastLatencyMs, waitsMs: waitsMs.sort((a, b) => a - b), baselineFps, duringFps, last };
}
