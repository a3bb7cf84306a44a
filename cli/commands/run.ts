/** `actuate run`: the closed loop headless, as fast as it can. */
import { parseArgs } from 'node:util';
import { runEpisode, type RunResult } from '../../engine/run-episode.ts';
import type { PhysicsEngine } from '../../engine/session.ts';
import { findController } from '../../control/registry.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { ROBOT_TASK_PREFIX } from '../../sim/tasks/free-play.ts';
import { resolve } from 'node:path';
import { packageList, parsePackageOptions } from '../../sim/importers/resolve-path.ts';
import { takeRosOptions } from '../ros-options.ts';
import { parseSetOptions } from '../set-options.ts';
import { UsageError } from '../usage-error.ts';

export async function runCommand(argv: string[]): Promise<string> {
  const { rest, ros } = takeRosOptions(argv);
  const { values } = parseArgs({
    args: rest,
    options: {
      task: { type: 'string' },
      robot: { type: 'string' },
      package: { type: 'string', multiple: true, default: [] },
      keyframe: { type: 'string' },
      controller: { type: 'string' },
      seconds: { type: 'string' },
      seed: { type: 'string', default: '0' },
      set: { type: 'string', multiple: true, default: [] },
      json: { type: 'boolean', default: false },
      record: { type: 'string' },
      engine: { type: 'string', default: 'rapier' },
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
  const engine = parseEngine(values.engine!);
  const set = parseSetOptions(values.set!, taskId, controllerId);
  if (values.robot) Object.assign(set.task, robotOptions(values.package!, values.keyframe), policyOnRobot(controllerId, set));
  else if (values.package!.length || values.keyframe !== undefined) throw new UsageError('--package and --keyframe go with --robot');
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
      ...(values.record ? { record: resolve(values.record) } : {}),
      engine,
      ...(ros.ros1 ? { ros1: { ...ros.ros1, onStatus: (m: string) => process.stderr.write(`${showProgress ? '\n' : ''}ros1: ${m}\n`) } } : {}),
      ...(ros.rosbridge ? { rosbridge: { ...ros.rosbridge, onStatus: (m: string) => process.stderr.write(`${showProgress ? '\n' : ''}rosbridge: ${m}\n`) } } : {}),
      onProgress: showProgress ? (t, total) => process.stderr.write(`\r${progressBar(t / total)} ${t.toFixed(1)}/${total} s`) : undefined,
    });
  } catch (err) {
    if ((err as Error).name === 'ParamError') throw new UsageError((err as Error).message);
    throw err;
  }
  if (showProgress) process.stderr.write('\n');
  // Warnings go to stderr, so --json output stays one parseable line.
  for (const w of result.warnings ?? []) process.stderr.write(`warning: ${w}\n`);
  if (values.json) return JSON.stringify(result);
  return describe(result);
}

/** `--engine rapier|mujoco`: which physics engine simulates the robot. */
export function parseEngine(value: string): PhysicsEngine {
  if (value === 'rapier' || value === 'mujoco') return value;
  throw new UsageError(`--engine must be rapier or mujoco, got '${value}'`);
}

/** `--package name=dir` (checked as `robot inspect` checks it) and `--keyframe NAME` as free-play task parameters. */
export function robotOptions(packages: string[], keyframe: string | undefined): Record<string, string> {
  let roots;
  try {
    roots = parsePackageOptions(packages);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const joined = packageList(roots);
  return { ...(joined ? { packages: joined } : {}), ...(keyframe !== undefined ? { keyframe } : {}) };
}

/**
 * A policy run on a robot file: the robot is built as the policy's card says (its pose, rates and gains;
 * `--set task.cardGains=report` keeps the file's). The velocity command (task.vx, vy, yawRate) is the
 * task's: the policy gets it and the run's tracking error is measured against it.
 */
export function policyOnRobot(controllerId: string, set: ReturnType<typeof parseSetOptions>): Record<string, string> {
  const cardParam = findController(controllerId).params.find((p) => p.kind === 'text' && p.file === 'card');
  const out: Record<string, string> = {};
  const card = set.controller[cardParam?.key ?? ''] ?? (cardParam?.default as string | undefined);
  if (cardParam && card && set.task.card === undefined) out.card = card;
  return out;
}

function progressBar(fraction: number): string {
  const width = 30;
  const filled = Math.round(Math.min(1, fraction) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function describe(r: RunResult): string {
  const metrics = Object.entries(r.metrics).map(([k, v]) => `${k}=${Number(v.toFixed(4))}`).join(' ');
  return [
    `${r.task} with ${r.controller} in ${r.engine} (seed ${r.seed}): ${r.success ? 'SUCCESS' : 'not solved'}${r.error ? ` — ${r.error}` : ''}`,
    `  ${r.simSeconds} s simulated in ${r.wallSeconds} s (${r.steps} control steps), return ${r.return}`,
    `  metrics: ${metrics}`,
    `  physics step ${r.timing.physicsStepUs} µs, plan ${r.timing.planMs.mean} ms (p99 ${r.timing.planMs.p99}), ${r.timing.replanHz} plans/s`,
    ...(r.recording ? [`  recorded to ${r.recording}`] : []),
    ...(r.recordingDropped ? [`  recording dropped messages (the disk could not keep up): ${Object.entries(r.recordingDropped).map(([t, n]) => `${t} ${n}`).join(', ')}`] : []),
  ].join('\n');
}
