/**
 * `actuate train --task T --algo ppo …`: trains a policy on the task's vectorized environments,
 * writing metrics.jsonl every iteration and a checkpoint plus policy.onnx + card every
 * `--checkpoint-every` iterations and at the end. Ctrl-C finishes the current iteration, saves, exits.
 */
import { parseArgs } from 'node:util';
import { join, resolve } from 'node:path';
import { availableParallelism } from 'node:os';
import { findTask } from '../../sim/tasks/index.ts';
import type { PpoConfig } from '../../train/ppo/ppo.ts';
import { PpoRunner, type Checkpoint, type IterationMetrics, type RunnerOptions } from '../../train/ppo/runner.ts';
import { appendMetrics, prepareRunDir, readCheckpoint, writeCheckpoint, writeExport } from '../../train/run-dir.ts';
import { count, guard, guardAsync, positive } from '../arg-checks.ts';
import { progressBar, timeLeft } from '../progress-bar.ts';
import { UsageError } from '../usage-error.ts';
import { trainDiffusion } from './train-diffusion.ts';
import { trainWorldModel } from './train-world-model.ts';

const ALGORITHMS = ['ppo', 'diffusion', 'world-model'];
const DEFAULT_ENVS = 64;

export async function trainCommand(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      task: { type: 'string' },
      algo: { type: 'string', default: 'ppo' },
      envs: { type: 'string' },
      workers: { type: 'string' },
      minutes: { type: 'string' },
      steps: { type: 'string' },
      seed: { type: 'string', default: '0' },
      set: { type: 'string', multiple: true, default: [] },
      out: { type: 'string' },
      resume: { type: 'string' },
      hidden: { type: 'string' },
      'init-noise-std': { type: 'string' },
      'steps-per-env': { type: 'string' },
      'lr-schedule': { type: 'string' },
      'episode-seconds': { type: 'string' },
      randomize: { type: 'boolean', default: false },
      'checkpoint-every': { type: 'string', default: '10' },
      'keep-exports': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      // --algo diffusion (train-diffusion.ts)
      demos: { type: 'string', multiple: true, default: [] },
      horizon: { type: 'string' },
      'obs-horizon': { type: 'string' },
      'action-steps': { type: 'string' },
      batch: { type: 'string' },
      lr: { type: 'string' },
      'all-episodes': { type: 'boolean', default: false },
      'position-target': { type: 'string' },
      'target-lead': { type: 'string' },
      // --algo world-model (train-world-model.ts)
      'updates-per-step': { type: 'string' },
    },
  });
  const algo = values.algo!;
  if (!ALGORITHMS.includes(algo)) throw new UsageError(`unknown --algo '${algo}'; available: ${ALGORITHMS.join(', ')}`);
  if (!values.out) throw new UsageError('--out DIR is required (metrics, checkpoints and the exported policy go there)');
  if (algo === 'diffusion') return trainDiffusion(values);
  if (values.demos!.length) throw new UsageError(`--demos goes with --algo diffusion (${algo} learns from its own experience)`);
  if (algo === 'world-model') return trainWorldModel(values);
  const resume = values.resume ? guard(() => readCheckpoint(resolve(values.resume!))) : undefined;
  const taskId = values.task ?? resume?.taskId;
  if (!taskId) throw new UsageError('--task is required (see `actuate tasks`)');
  if (resume && values.task && values.task !== resume.taskId) throw new UsageError(`--resume ${values.resume}: the checkpoint trained '${resume.taskId}', not '${values.task}'`);
  const def = guard(() => findTask(taskId));
  // A resumed run keeps its number of environments unless told otherwise, so it continues exactly.
  const envs = count('--envs', values.envs ?? String(resume?.continuation?.envs.length ?? DEFAULT_ENVS), 1);
  const workers = count('--workers', values.workers ?? String(Math.max(1, Math.min(2, availableParallelism()))), 1);
  const seed = count('--seed', values.seed!, 0);
  const every = count('--checkpoint-every', values['checkpoint-every']!, 1);
  if (values.minutes !== undefined && values.steps !== undefined) throw new UsageError('give --minutes or --steps, not both');
  const minutes = values.minutes === undefined ? undefined : positive('--minutes', values.minutes);
  const maxSteps = values.steps === undefined ? (minutes === undefined ? 1_000_000 : Infinity) : count('--steps', values.steps, 1);
  const hidden = values.hidden?.split(',').map((h) => count('--hidden', h, 1));
  const initNoiseStd = values['init-noise-std'] === undefined ? undefined : positive('--init-noise-std', values['init-noise-std']);
  const episodeSeconds = values['episode-seconds'] === undefined ? resume?.episodeSeconds : positive('--episode-seconds', values['episode-seconds']);
  const ppo = ppoOptions(values, resume);
  const taskParams: Record<string, string> = {};
  for (const pair of values.set!) {
    const m = /^task\.([^=]+)=(.*)$/.exec(pair);
    if (!m) throw new UsageError(`--set '${pair}': training takes task.<param>=value; task parameters: ${def.params.map((p) => p.key).join(', ') || '(none)'}`);
    taskParams[m[1]!] = m[2]!;
  }
  const out = resolve(values.out);
  guard(() => prepareRunDir(out));
  const options: RunnerOptions = {
    taskId,
    ...(Object.keys(taskParams).length ? { taskParams } : {}),
    envs,
    workers,
    seed: resume?.seed ?? seed,
    ...(hidden ? { hidden } : {}),
    ...(initNoiseStd === undefined ? {} : { initNoiseStd }),
    ...(episodeSeconds === undefined ? {} : { episodeSeconds }),
    ...(values.randomize || resume?.randomize ? { randomize: true } : {}),
    ...(Object.keys(ppo).length ? { ppo } : {}),
    ...(resume ? { resume } : {}),
  };
  const runner = await guardAsync(() => PpoRunner.create(options));
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\nstopping after this iteration (Ctrl-C again to quit without saving)\n');
  };
  process.on('SIGINT', onSignal);
  const tty = !values.json && process.stderr.isTTY;
  const startSteps = runner.envSteps;
  const deadline = minutes === undefined ? Infinity : performance.now() + minutes * 60_000;
  const t0 = performance.now();
  let last: IterationMetrics | undefined;
  const save = async () => {
    writeCheckpoint(out, await runner.checkpoint());
    const exported = await runner.export(headline(last));
    writeExport(out, exported);
    // Every export kept: the best policy of a run is chosen by evaluating them, and is seldom the last.
    if (values['keep-exports']) writeExport(join(out, 'exports', `it${String(runner.iteration).padStart(4, '0')}`), exported);
  };
  try {
    while (!stop && runner.envSteps - startSteps < maxSteps && performance.now() < deadline) {
      last = await runner.iterate();
      appendMetrics(out, last);
      if (runner.iteration % every === 0) await save();
      const done = Math.max((runner.envSteps - startSteps) / maxSteps, minutes === undefined ? 0 : (performance.now() - t0) / (minutes * 60_000));
      const line = progressLine(last, done, (performance.now() - t0) / 1000);
      if (tty) process.stderr.write(`\r${line}\x1b[K`);
      else if (!values.json) process.stderr.write(`${line}\n`);
    }
    await save();
  } finally {
    process.off('SIGINT', onSignal);
    await runner.dispose();
  }
  if (tty) process.stderr.write('\n');
  const summary = { task: taskId, algo, out, iterations: runner.iteration, envSteps: runner.envSteps, wallSeconds: Math.round(runner.wallSeconds()), ...headline(last) };
  if (values.json) return JSON.stringify(summary);
  return [`trained ${taskId} with ${algo}: ${runner.iteration} iterations, ${runner.envSteps} environment steps in ${summary.wallSeconds} s`, `  policy: ${out}/policy.onnx (+ policy.card.json), metrics: ${out}/metrics.jsonl`, `  run it: actuate run --task ${taskId} --controller onnx-policy --set controller.card=${out}/policy.card.json`].join('\n');
}

const SCHEDULES = ['adaptive', 'fixed'];

/** PPO settings from the flags; a resumed run keeps its rollout length and schedule unless told otherwise. */
function ppoOptions(values: { 'steps-per-env'?: string | undefined; 'lr-schedule'?: string | undefined; lr?: string | undefined }, resume: Checkpoint | undefined): Partial<PpoConfig> {
  const schedule = values['lr-schedule'] ?? resume?.learningRateSchedule ?? 'adaptive';
  if (!SCHEDULES.includes(schedule)) throw new UsageError(`--lr-schedule '${schedule}': use ${SCHEDULES.join(' or ')}`);
  const stepsPerEnv = values['steps-per-env'] ? count('--steps-per-env', values['steps-per-env'], 1) : resume?.stepsPerEnv;
  return {
    ...(stepsPerEnv === undefined ? {} : { stepsPerEnv }),
    ...(schedule === 'fixed' ? { desiredKl: undefined } : {}),
    ...(values.lr ? { learningRate: positive('--lr', values.lr) } : {}),
  };
}

function headline(m: IterationMetrics | undefined): Record<string, number> {
  if (!m) return {};
  const out: Record<string, number> = { envSteps: m.envSteps };
  if (m.returnMean !== null) out.returnMean = m.returnMean;
  if (m.successRate !== null) out.successRate = m.successRate;
  if (m.episodeLength !== null) out.episodeLength = m.episodeLength;
  return out;
}

function progressLine(m: IterationMetrics, fraction: number, seconds: number): string {
  const fmt = (x: number | null, digits = 1) => (x === null ? '–' : x.toFixed(digits));
  return `${progressBar(fraction)} it ${m.iteration} · ${(m.envSteps / 1000).toFixed(0)}k steps · return ${fmt(m.returnMean)} · success ${fmt(m.successRate, 2)} · kl ${m.approxKl.toFixed(4)} · ${Math.round(m.envStepsPerSecond)} env steps/s · ETA ${timeLeft(fraction, seconds)}`;
}
