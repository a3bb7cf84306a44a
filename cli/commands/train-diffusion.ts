/**
 * `actuate train --algo diffusion --demos demos.mcap … --out DIR`: a diffusion policy from recorded
 * demonstrations (train/diffusion/diffusion-trainer.ts). Writes DIR/metrics.jsonl every 100 steps and
 * DIR/policy.onnx + policy.card.json every 1000 steps and at the end; Ctrl-C finishes the step, exports, exits.
 */
import { basename, resolve } from 'node:path';
import { readDemonstrations, type Demonstrations } from '../../bridges/recording/read-demonstrations.ts';
import type { ParamValues } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { DiffusionTrainer, type DiffusionTrainOptions } from '../../train/diffusion/diffusion-trainer.ts';
import type { PositionTargetOptions } from '../../train/diffusion/position-targets.ts';
import { appendMetrics, prepareRunDir, writeExport } from '../../train/run-dir.ts';
import { count, guard, guardAsync, positive } from '../arg-checks.ts';
import { progressBar, timeLeft } from '../progress-bar.ts';
import { UsageError } from '../usage-error.ts';

export interface DiffusionTrainValues {
  task?: string | undefined;
  demos?: string[] | undefined;
  out?: string | undefined;
  steps?: string | undefined;
  minutes?: string | undefined;
  seed?: string | undefined;
  hidden?: string | undefined;
  horizon?: string | undefined;
  'obs-horizon'?: string | undefined;
  'action-steps'?: string | undefined;
  batch?: string | undefined;
  lr?: string | undefined;
  'all-episodes'?: boolean | undefined;
  'position-target'?: string | undefined;
  'target-lead'?: string | undefined;
  resume?: string | undefined;
  json?: boolean | undefined;
}

const METRICS_EVERY = 100;
const EXPORT_EVERY = 1000;
const DEFAULT_STEPS = 5000;
/** Control steps between an observation and the demonstrated position target taken from it (0.1 s at 50 Hz). */
const DEFAULT_TARGET_LEAD = 5;

export async function trainDiffusion(values: DiffusionTrainValues): Promise<string> {
  if (values.resume) throw new UsageError('--resume is not available with --algo diffusion; start a new run (it exports the EMA weights at the end)');
  const files = values.demos ?? [];
  if (!files.length) throw new UsageError('--demos FILE.mcap is required with --algo diffusion (record some: actuate record --task T --episodes N --out FILE.mcap)');
  const sets: Demonstrations[] = [];
  for (const f of files) sets.push(await guardAsync(() => readDemonstrations(resolve(f))));
  const demos = combine(sets, values.task);
  // An expert-labelled episode (DAgger) teaches whatever the learner that drove it did: its labels are the expert's.
  const episodes = values['all-episodes'] ? demos.episodes : demos.episodes.filter((e) => e.success || e.expert !== undefined);
  if (!episodes.length) throw new UsageError(`${files.join(', ')}: none of the ${demos.episodes.length} episodes succeeded; give --all-episodes to learn from them anyway`);
  const positionTarget = positionTargetOption(values);
  if (values.minutes !== undefined && values.steps !== undefined) throw new UsageError('give --minutes or --steps, not both');
  const minutes = values.minutes === undefined ? undefined : positive('--minutes', values.minutes);
  const maxSteps = values.steps === undefined ? (minutes === undefined ? DEFAULT_STEPS : Infinity) : count('--steps', values.steps, 1);
  const overrides: Partial<DiffusionTrainOptions> = {
    seed: count('--seed', values.seed ?? '0', 0),
    ...(values.hidden ? { hidden: values.hidden.split(',').map((h) => count('--hidden', h, 1)) } : {}),
    ...(values.horizon ? { horizon: count('--horizon', values.horizon, 1) } : {}),
    ...(values['obs-horizon'] ? { obsHorizon: count('--obs-horizon', values['obs-horizon'], 1) } : {}),
    ...(values['action-steps'] ? { actionSteps: count('--action-steps', values['action-steps'], 1) } : {}),
    ...(values.batch ? { batchSize: count('--batch', values.batch, 1) } : {}),
    ...(values.lr ? { learningRate: positive('--lr', values.lr) } : {}),
    ...(Number.isFinite(maxSteps) ? { decaySteps: maxSteps } : {}),
    ...(positionTarget ? { positionTarget } : {}),
  };
  const out = resolve(values.out!);
  guard(() => prepareRunDir(out));
  const trainer = await guardAsync(() => DiffusionTrainer.create(episodes, demos.obsDim, demos.actionDim, overrides));
  const demoSteps = episodes.reduce((n, e) => n + e.steps, 0);
  const controllers = [...new Set(episodes.map((e) => e.expert ?? e.controller))].join(', ');
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\nstopping after this step (Ctrl-C again to quit without saving)\n');
  };
  process.on('SIGINT', onSignal);
  const tty = !values.json && process.stderr.isTTY;
  const t0 = performance.now();
  const deadline = minutes === undefined ? Infinity : t0 + minutes * 60_000;
  let lossSum = 0;
  let lossCount = 0;
  let lastLoss = NaN;
  let windowStart = t0;
  const save = () =>
    writeExport(out, trainer.export({
      task: demos.task,
      taskParams: demos.taskParams,
      demonstrations: { files: files.map((f) => basename(f)), episodes: episodes.length, steps: demoSteps, controller: controllers },
      trainSteps: trainer.steps,
      batchSize: trainer.options.batchSize,
      wallSeconds: (performance.now() - t0) / 1000,
      seed: trainer.options.seed,
      metrics: Number.isNaN(lastLoss) ? {} : { loss: round(lastLoss) },
    }));
  try {
    while (!stop && trainer.steps < maxSteps && performance.now() < deadline) {
      const s = await trainer.step();
      lossSum += s.loss;
      lossCount++;
      if (trainer.steps % METRICS_EVERY === 0 || trainer.steps === maxSteps) {
        const now = performance.now();
        lastLoss = lossSum / lossCount;
        const metrics = { step: trainer.steps, loss: round(lastLoss), gradNorm: round(s.gradNorm), learningRate: s.learningRate, samplesPerSecond: Math.round((lossCount * trainer.options.batchSize) / ((now - windowStart) / 1000)), wallSeconds: round((now - t0) / 1000) };
        appendMetrics(out, metrics);
        lossSum = lossCount = 0;
        windowStart = now;
        const done = Math.max(trainer.steps / maxSteps, minutes === undefined ? 0 : (now - t0) / (minutes * 60_000));
        const line = `${progressBar(done)} step ${trainer.steps} · loss ${metrics.loss.toFixed(4)} · lr ${s.learningRate.toExponential(1)} · ${metrics.samplesPerSecond} samples/s · ETA ${timeLeft(done, (now - t0) / 1000)}`;
        if (tty) process.stderr.write(`\r${line}\x1b[K`);
        else if (!values.json) process.stderr.write(`${line}\n`);
      }
      if (trainer.steps % EXPORT_EVERY === 0) save();
    }
    if (lossCount) lastLoss = lossSum / lossCount;
    save();
  } finally {
    process.off('SIGINT', onSignal);
    await trainer.dispose();
  }
  if (tty) process.stderr.write('\n');
  const tracking = trainer.tracking && { observation: trainer.tracking.observation, lead: trainer.tracking.lead, kp: trainer.tracking.kp.map(round), kd: trainer.tracking.kd.map(round), r2: trainer.tracking.r2.map(round) };
  const wallSeconds = Math.round((performance.now() - t0) / 1000);
  const summary = { task: demos.task, algo: 'diffusion', out, steps: trainer.steps, episodes: episodes.length, demoSteps, wallSeconds, loss: round(lastLoss), ...(tracking ? { positionTarget: tracking } : {}) };
  if (values.json) return JSON.stringify(summary);
  const left = demos.episodes.length - episodes.length;
  return [
    `trained a diffusion policy for ${demos.task} on ${episodes.length} episodes (${demoSteps} steps${left ? `; ${left} unsuccessful left out` : ''}): ${trainer.steps} steps in ${wallSeconds} s, loss ${summary.loss}`,
    ...(tracking ? [`  actions: position targets of observation entries ${tracking.observation.join(', ')} (${tracking.lead} steps ahead), tracked by a PD fitted to the demonstrated commands: kp ${tracking.kp.join(', ')}, kd ${tracking.kd.join(', ')} (explains ${tracking.r2.map((r) => `${Math.round(r * 100)} %`).join(', ')} of their variance)`] : []),
    `  policy: ${out}/policy.onnx (+ policy.card.json), metrics: ${out}/metrics.jsonl`,
    `  run it: actuate eval --task ${demos.task} --controller diffusion-policy --set controller.model=${out}/policy.onnx`,
  ].join('\n');
}

/** `--position-target I,J… [--target-lead N]`: learn where those observation entries go (train/diffusion/position-targets.ts). */
function positionTargetOption(values: DiffusionTrainValues): PositionTargetOptions | undefined {
  if (values['position-target'] === undefined) {
    if (values['target-lead'] !== undefined) throw new UsageError('--target-lead goes with --position-target');
    return undefined;
  }
  return {
    observation: values['position-target'].split(',').map((i) => count('--position-target', i, 0)),
    lead: count('--target-lead', values['target-lead'] ?? String(DEFAULT_TARGET_LEAD), 1),
  };
}

/** One set of demonstrations from several files of the same task; the observation checked against the task as it is now. */
function combine(sets: Demonstrations[], taskId: string | undefined): Demonstrations {
  const first = sets[0]!;
  for (const d of sets) {
    if (taskId !== undefined && d.task !== taskId) throw new UsageError(`--demos ${d.path}: the demonstrations are of task '${d.task}', not '${taskId}'`);
    if (d.task !== first.task || JSON.stringify(d.taskParams) !== JSON.stringify(first.taskParams)) throw new UsageError(`--demos ${d.path}: task '${d.task}' ${JSON.stringify(d.taskParams)} differs from ${first.path}'s '${first.task}' ${JSON.stringify(first.taskParams)}`);
  }
  const task = guard(() => findTask(first.task).build(first.taskParams as ParamValues));
  const obsDim = task.observe(task.reset(new Random(0))).length;
  if (obsDim !== first.obsDim) throw new UsageError(`--demos ${first.path}: ${first.obsDim} observation values per step, task '${first.task}' observes ${obsDim} now; record the demonstrations again`);
  if (task.actionDim !== first.actionDim) throw new UsageError(`--demos ${first.path}: ${first.actionDim} actions per step, task '${first.task}' has ${task.actionDim} actuators`);
  return { ...first, episodes: sets.flatMap((d) => d.episodes), incomplete: sets.reduce((n, d) => n + d.incomplete, 0) };
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
