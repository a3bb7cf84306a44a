/** `actuate run`: the closed loop headless, as fast as it can. */
import { parseArgs } from 'node:util';
import { runEpisode, type RunResult } from '../../engine/run-episode.ts';
import { findController } from '../../control/registry.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { ROBOT_TASK_PREFIX } from '../../sim/tasks/free-play.ts';
import { resolve } from 'node:path';
import { parseSetOptions } from '../set-options.ts';
import { UsageError } from '../usage-error.ts';

export async function runCommand(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      task: { type: 'string' },
      robot: { type: 'string' },
      controller: { type: 'string' },
      seconds: { type: 'string' },
      seed: { type: 'string', default: '0' },
      set: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.task && !values.robot) throw new UsageError('--task (see `actuate tasks`) or --robot <file> is required');
  if (values.task && values.robot) throw new UsageError('give either --task or --robot, not both');
  // --robot: the free-play scene of any URDF/MJCF file, its joints on sliders (controller.<actuator>).
  const taskId = values.robot ? `${ROBOT_TASK_PREFIX}${resolve(values.robot)}` : values.task!;
  let controllerId: string;
  try {
    // Without --controller, the task's own default (a robot file's free play: jog).
    controllerId = values.controller ?? findTask(taskId).defaultController;
    findController(controllerId);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got '${values.seed}'`);
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  if (seconds !== undefined && !(seconds > 0)) throw new UsageError(`--seconds must be a positive number, got '${values.seconds}'`);
  const set = parseSetOptions(values.set!, taskId, controllerId);
  const showProgress = !values.json && process.stderr.isTTY;
  let result: RunResult;
  try {
    result = await runEpisode({
      taskId,
      controllerId,
      seed,
      ...(seconds !== undefined ? { seconds } : {}),
      taskParams: set.task,
      controllerParams: set.controller,
      costWeights: set.cost,
      onProgress: showProgress ? (t, total) => process.stderr.write(`\r${progressBar(t / total)} ${t.toFixed(1)}/${total} s`) : undefined,
    });
  } catch (err) {
    if ((err as Error).name === 'ParamError') throw new UsageError((err as Error).message);
    throw err;
  }
  if (showProgress) process.stderr.write('\n');
  if (values.json) return JSON.stringify(result);
  return describe(result);
}

function progressBar(fraction: number): string {
  const width = 30;
  const filled = Math.round(Math.min(1, fraction) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function describe(r: RunResult): string {
  const metrics = Object.entries(r.metrics).map(([k, v]) => `${k}=${Number(v.toFixed(4))}`).join(' ');
  return [
    `${r.task} with ${r.controller} (seed ${r.seed}): ${r.success ? 'SUCCESS' : 'not solved'}${r.error ? ` — ${r.error}` : ''}`,
    `  ${r.simSeconds} s simulated in ${r.wallSeconds} s (${r.steps} control steps), return ${r.return}`,
    `  metrics: ${metrics}`,
    `  physics step ${r.timing.physicsStepUs} µs, plan ${r.timing.planMs.mean} ms (p99 ${r.timing.planMs.p99}), ${r.timing.replanHz} plans/s`,
  ].join('\n');
}
