/**
 * Training runs from the studio: a real `actuate train` process started, followed through its
 * metrics.jsonl as it writes it, ending with an exported policy; runs named by anything but a listed
 * folder are refused.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingEvent } from '../protocol/training.ts';
import { TrainingRuns } from './training-runs.ts';

let runs: TrainingRuns | undefined;
afterEach(() => runs?.dispose());

describe('TrainingRuns', () => {
  it('starts a PPO run in its own process, streams its metrics rows, and lists its exported policy when it ends', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-runs-'));
    runs = new TrainingRuns([], dir);
    const events: TrainingEvent[] = [];
    runs.watch((e) => events.push(e));
    const started = runs.start({ task: 'cartpole-swingup', minutes: 0.05, envs: 8, seed: 3 });
    expect(started).toMatchObject({ running: true, startedHere: true, task: 'cartpole-swingup', iterations: 0 });
    const deadline = Date.now() + 150_000;
    while (!events.some((e) => e.run.dir === started.dir && !e.run.running) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    const end = events.findLast((e) => e.run.dir === started.dir)!;
    expect(end.run.error).toBeUndefined();
    expect(end.run.running).toBe(false);
    const streamed = events.filter((e) => e.run.dir === started.dir).flatMap((e) => e.rows);
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamed.every((r, i) => r.iteration === i + 1)).toBe(true);
    expect(runs.metrics(started.dir)).toEqual(streamed);
    expect(end.run.policy?.model).toMatch(/\.onnx$/);
    expect(runs.list().map((r) => r.dir)).toContain(started.dir);
  }, 180_000);

  it('reports why a run could not train, and refuses runs it did not list', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-runs-'));
    runs = new TrainingRuns([], dir);
    const ended = new Promise<TrainingEvent>((resolve) => runs!.watch((e) => !e.run.running && resolve(e)));
    runs.start({ task: 'no-such-task', minutes: 1 });
    expect((await ended).run.error).toMatch(/no-such-task/);
    expect(() => runs!.metrics('/etc')).toThrow(/no training run "\/etc"/);
    expect(() => runs!.stop(join(dir, 'elsewhere'))).toThrow(/no training run/);
  }, 60_000);

  it('lists runs written by the CLI in a --runs folder (or given as one), with their task, newest first', () => {
    const folder = mkdtempSync(join(tmpdir(), 'actuate-runs-'));
    const a = join(folder, 'a');
    mkdirSync(a);
    writeFileSync(join(a, 'metrics.jsonl'), '{"iteration":1,"envSteps":10,"returnMean":-5}\n{"iteration":2,"envSteps":20,"returnMean":-4}\n{"iteration":3,"env');
    writeFileSync(join(a, 'checkpoint.json'), '{"version":1,"taskId":"pendulum-swingup","spec":{}}');
    mkdirSync(join(folder, 'not-a-run'));
    runs = new TrainingRuns([folder, a], undefined);
    const listed = runs.list();
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ name: 'a', task: 'pendulum-swingup', iterations: 2, startedHere: false, latest: { returnMean: -4 } });
    // A cut-off last line (a crash mid-write) is skipped, not an error.
    expect(runs.metrics(a)).toHaveLength(2);
    expect(() => runs!.start({ task: 'cartpole-swingup', minutes: 1 })).toThrow(/--runs FOLDER/);
  });
});
