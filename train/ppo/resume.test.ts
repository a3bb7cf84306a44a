/**
 * `--resume` continues a run exactly: training N iterations in one go (saving a checkpoint half-way)
 * and resuming from that checkpoint, read back from disk, for the last N/2 give the same metrics and
 * the same weights, bit for bit. On ant-walk with domain randomization, so contacts, per-world friction and mass, motor strength,
 * action latency and observation noise all cross the checkpoint; episodes end on both sides of it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from '../run-dir.ts';
import { PpoRunner, type Checkpoint, type IterationMetrics, type RunnerOptions } from './runner.ts';

const OPTIONS: RunnerOptions = { taskId: 'ant-walk', envs: 3, workers: 2, seed: 3, hidden: [8], randomize: true, episodeSeconds: 0.1, ppo: { stepsPerEnv: 8 } };
const HALF = 3;
/** Metrics that measure the machine, not the run. */
const TIMING = ['wallSeconds', 'envStepsPerSecond', 'learnerSamplesPerSecond'] as const;

async function train(runner: PpoRunner, iterations: number, checkpointAt?: number): Promise<{ metrics: Omit<IterationMetrics, (typeof TIMING)[number]>[]; checkpoint?: Checkpoint }> {
  const metrics = [];
  let checkpoint: Checkpoint | undefined;
  for (let i = 0; i < iterations; i++) {
    const m: Partial<IterationMetrics> = { ...(await runner.iterate()) };
    for (const key of TIMING) delete m[key];
    metrics.push(m as IterationMetrics);
    // The CLI saves a checkpoint every few iterations; the uninterrupted run saves one too.
    if (runner.iteration === checkpointAt) checkpoint = await runner.checkpoint();
  }
  return { metrics, ...(checkpoint ? { checkpoint } : {}) };
}

describe('PPO resume', () => {
  const dir = mkdtempSync(join(tmpdir(), 'actuate-resume-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('equals the uninterrupted run for the same seed', async () => {
    // The uninterrupted run saves a checkpoint half-way, as the CLI does every few iterations.
    const whole = await PpoRunner.create(OPTIONS);
    const straight = await train(whole, 2 * HALF, HALF);
    const straightWeights = (await whole.checkpoint()).learner.params;
    await whole.dispose();
    writeCheckpoint(dir, straight.checkpoint!);

    const resumed = await PpoRunner.create({ ...OPTIONS, resume: readCheckpoint(dir) });
    const after = await train(resumed, HALF);
    const resumedWeights = (await resumed.checkpoint()).learner.params;
    await resumed.dispose();

    // Episodes ended (and were scored) on both sides of the checkpoint, so their bookkeeping crossed it.
    expect(straight.metrics.slice(0, HALF).some((m) => m.episodes > 0)).toBe(true);
    expect(straight.metrics.slice(HALF).some((m) => m.episodes > 0)).toBe(true);
    expect(after.metrics).toEqual(straight.metrics.slice(HALF));
    resumedWeights.forEach((p, i) => expect(p.data).toEqual(straightWeights[i]!.data));
  });
});
