/**
 * `actuate train --task T --algo world-model --out DIR`: a TD-MPC2-style world model learned online
 * (train/world-model/world-model-trainer.ts). Writes DIR/metrics.jsonl every episode, and
 * checkpoint.json (learner, replay buffer, environments: what `--resume DIR` continues from) with the six
 * world-model .onnx files + world-model.card.json every `--checkpoint-every` episodes and at the end;
 * Ctrl-C finishes the episode, saves, exits. Run the result with world-model-mpc.
 */
import { resolve } from 'node:path';
import { WorldModelTrainer, type WorldModelMetrics, type WorldModelTrainOptions } from '../../train/world-model/world-model-trainer.ts';
import { appendMetrics, prepareRunDir, readWorldModelCheckpoint, writeWorldModelCheckpoint, writeWorldModelExport } from '../../train/run-dir.ts';
import { count, guard, guardAsync, positive } from '../arg-checks.ts';
import { progressBar, timeLeft } from '../progress-bar.ts';
import { UsageError } from '../usage-error.ts';

export interface WorldModelTrainValues {
  task?: string | undefined;
  out?: string | undefined;
  steps?: string | undefined;
  minutes?: string | undefined;
  seed?: string | undefined;
  envs?: string | undefined;
  hidden?: string | undefined;
  batch?: string | undefined;
  lr?: string | undefined;
  'updates-per-step'?: string | undefined;
  horizon?: string | undefined;
  collect?: string | undefined;
  'plan-samples'?: string | undefined;
  'plan-iterations'?: string | undefined;
  set?: string[] | undefined;
  resume?: string | undefined;
  'checkpoint-every'?: string | undefined;
  json?: boolean | undefined;
}

const DEFAULT_STEPS = 100_000;

export async function trainWorldModel(values: WorldModelTrainValues): Promise<string> {
  const resume = values.resume ? guard(() => readWorldModelCheckpoint(resolve(values.resume!))) : undefined;
  const taskId = values.task ?? resume?.options.taskId;
  if (!taskId) throw new UsageError('--task is required (see `actuate tasks`)');
  if (resume && taskId !== resume.options.taskId) throw new UsageError(`--resume ${values.resume}: the checkpoint trained '${resume.options.taskId}', not '${taskId}'`);
  if (values.minutes !== undefined && values.steps !== undefined) throw new UsageError('give --minutes or --steps, not both');
  const minutes = values.minutes === undefined ? undefined : positive('--minutes', values.minutes);
  const maxSteps = values.steps === undefined ? (minutes === undefined ? DEFAULT_STEPS : Infinity) : count('--steps', values.steps, 1);
  const every = count('--checkpoint-every', values['checkpoint-every'] ?? '10', 1);
  const taskParams: Record<string, string> = {};
  for (const pair of values.set ?? []) {
    const m = /^task\.([^=]+)=(.*)$/.exec(pair);
    if (!m) throw new UsageError(`--set '${pair}': training takes task.<param>=value`);
    taskParams[m[1]!] = m[2]!;
  }
  const options: Partial<WorldModelTrainOptions> & { taskId: string; seed: number } = {
    taskId,
    seed: count('--seed', values.seed ?? '0', 0),
    ...(Object.keys(taskParams).length ? { taskParams } : {}),
    ...(values.envs ? { envs: count('--envs', values.envs, 1) } : {}),
    ...(values.hidden ? { hidden: values.hidden.split(',').map((h) => count('--hidden', h, 1)) } : {}),
    ...(values.batch ? { batchSize: count('--batch', values.batch, 1) } : {}),
    ...(values.lr ? { learningRate: positive('--lr', values.lr) } : {}),
    ...(values['updates-per-step'] ? { updatesPerStep: positive('--updates-per-step', values['updates-per-step']) } : {}),
    ...(values.horizon ? { horizon: count('--horizon', values.horizon, 1) } : {}),
    ...(values.collect ? { collect: collectMode(values.collect) } : {}),
    ...(values['plan-samples'] ? { planSamples: count('--plan-samples', values['plan-samples'], 2) } : {}),
    ...(values['plan-iterations'] ? { planIterations: count('--plan-iterations', values['plan-iterations'], 1) } : {}),
    ...(Number.isFinite(maxSteps) ? { bufferSize: maxSteps } : {}),
  };
  const out = resolve(values.out!);
  guard(() => prepareRunDir(out));
  const trainer = await guardAsync(() => WorldModelTrainer.create(options, resume));
  const startSteps = trainer.envSteps;
  let stop = false;
  const onSignal = () => {
    if (stop) process.exit(130);
    stop = true;
    process.stderr.write('\nstopping after this episode (Ctrl-C again to quit without saving)\n');
  };
  process.on('SIGINT', onSignal);
  const tty = !values.json && process.stderr.isTTY;
  const t0 = performance.now();
  const deadline = minutes === undefined ? Infinity : t0 + minutes * 60_000;
  let last: WorldModelMetrics | undefined;
  const save = async () => {
    writeWorldModelCheckpoint(out, await trainer.checkpoint());
    writeWorldModelExport(out, trainer.export(headline(last)));
  };
  try {
    while (!stop && trainer.envSteps - startSteps < maxSteps && performance.now() < deadline) {
      last = await trainer.iterate();
      appendMetrics(out, last);
      if (trainer.iteration % every === 0) await save();
      const done = Math.max((trainer.envSteps - startSteps) / maxSteps, minutes === undefined ? 0 : (performance.now() - t0) / (minutes * 60_000));
      const fmt = (x: number | null | undefined, digits = 1) => (x === null || x === undefined ? '–' : x.toFixed(digits));
      const line = `${progressBar(done)} ${(last.envSteps / 1000).toFixed(1)}k steps · return ${fmt(last.returnMean)} · success ${fmt(last.successRate, 2)} · consistency ${fmt(last.consistency_loss, 4)} · reward ${fmt(last.reward_loss, 4)} · value ${fmt(last.value_loss, 3)} · ${Math.round(last.updatesPerSecond)} updates/s${last.planMsPerAction === undefined ? '' : ` · plan ${last.planMsPerAction.toFixed(1)} ms/action`} · ETA ${timeLeft(done, (performance.now() - t0) / 1000)}`;
      if (tty) process.stderr.write(`\r${line}\x1b[K`);
      else if (!values.json) process.stderr.write(`${line}\n`);
    }
    await save();
  } finally {
    process.off('SIGINT', onSignal);
    await trainer.dispose();
  }
  if (tty) process.stderr.write('\n');
  const summary = { task: taskId, algo: 'world-model', out, envSteps: trainer.envSteps, updates: trainer.updates, wallSeconds: Math.round(trainer.wallSeconds()), ...headline(last) };
  if (values.json) return JSON.stringify(summary);
  return [
    `trained a world model for ${taskId}: ${trainer.envSteps} environment steps, ${trainer.updates} updates in ${summary.wallSeconds} s`,
    `  model: ${out}/world-model.card.json (+ 6 .onnx files), metrics: ${out}/metrics.jsonl`,
    `  run it: actuate eval --task ${taskId} --controller world-model-mpc --set controller.card=${out}/world-model.card.json`,
  ].join('\n');
}

function collectMode(value: string): 'plan' | 'prior' {
  if (value !== 'plan' && value !== 'prior') throw new UsageError(`--collect must be 'plan' (latent MPPI on the model) or 'prior' (the policy prior), got '${value}'`);
  return value;
}

function headline(m: WorldModelMetrics | undefined): Record<string, number> {
  if (!m) return {};
  const out: Record<string, number> = { envSteps: m.envSteps };
  if (m.returnMean !== null) out.returnMean = m.returnMean;
  if (m.successRate !== null) out.successRate = m.successRate;
  return out;
}
