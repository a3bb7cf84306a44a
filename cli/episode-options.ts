/**
 * What `run` and `sim2sim` run, from the options they share: a task (`--task`) or any robot file's free
 * play (`--robot FILE` with `--package name=dir` and `--keyframe NAME`), a controller (default: the
 * task's own), `--seed`, `--seconds` and `--set scope.key=value`. Also `--engine`, which `eval` and
 * `serve` take too.
 */
import { resolve } from 'node:path';
import type { ParseArgsConfig } from 'node:util';
import { findController } from '../control/registry.ts';
import type { EpisodeSpec } from '../engine/run-episode.ts';
import type { PhysicsEngine } from '../engine/session.ts';
import { packageList, parsePackageOptions } from '../sim/importers/resolve-path.ts';
import { ROBOT_TASK_PREFIX } from '../sim/tasks/free-play.ts';
import { findTask } from '../sim/tasks/index.ts';
import { parseSetOptions, type SetOptions } from './set-options.ts';
import { UsageError } from './usage-error.ts';

/** parseArgs option specs for the shared options. */
export const EPISODE_OPTIONS = {
  task: { type: 'string' },
  robot: { type: 'string' },
  package: { type: 'string', multiple: true, default: [] as string[] },
  keyframe: { type: 'string' },
  controller: { type: 'string' },
  seconds: { type: 'string' },
  seed: { type: 'string', default: '0' },
  set: { type: 'string', multiple: true, default: [] as string[] },
} satisfies NonNullable<ParseArgsConfig['options']>;

export interface EpisodeValues {
  task?: string | undefined;
  robot?: string | undefined;
  package?: string[] | undefined;
  keyframe?: string | undefined;
  controller?: string | undefined;
  seconds?: string | undefined;
  seed?: string | undefined;
  set?: string[] | undefined;
  /** `record --expert`: the controller whose actions are recorded (its settings: --set expert.KEY=V). */
  expert?: string | undefined;
}

export interface EpisodeChoice {
  taskId: string;
  controllerId: string;
  seed: number;
  seconds?: number;
  /** Task, controller and cost settings, with a robot file's package roots, keyframe and policy card in `task`. */
  set: SetOptions;
}

export function parseEpisodeOptions(values: EpisodeValues): EpisodeChoice {
  if (!values.task && !values.robot) throw new UsageError('--task (see `actuate tasks`) or --robot <file> is required');
  if (values.task && values.robot) throw new UsageError('give either --task or --robot, not both');
  // --robot: the free-play scene of any URDF/MJCF file, its joints on sliders (controller.<actuator>).
  const taskId = values.robot ? `${ROBOT_TASK_PREFIX}${resolve(values.robot)}` : values.task!;
  let controllerId: string;
  try {
    // Without --controller, the task's own default (a robot file's free play: jog).
    controllerId = values.controller ?? findTask(taskId).defaultController;
    findController(controllerId);
    if (values.expert !== undefined) findController(values.expert);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const seed = Number(values.seed ?? '0');
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got '${values.seed}'`);
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  if (seconds !== undefined && !(seconds > 0)) throw new UsageError(`--seconds must be a positive number, got '${values.seconds}'`);
  const set = parseSetOptions(values.set ?? [], taskId, controllerId, values.expert);
  const packages = values.package ?? [];
  if (values.robot) Object.assign(set.task, robotOptions(packages, values.keyframe), policyOnRobot(controllerId, set));
  else if (packages.length || values.keyframe !== undefined) throw new UsageError('--package and --keyframe go with --robot');
  return { taskId, controllerId, seed, ...(seconds !== undefined ? { seconds } : {}), set };
}

/** `--engine rapier|mujoco`: which physics engine simulates the robot. */
export function parseEngine(value: string): PhysicsEngine {
  if (value === 'rapier' || value === 'mujoco') return value;
  throw new UsageError(`--engine must be rapier or mujoco, got '${value}'`);
}

/** `--package name=dir` (checked as `robot inspect` checks it) and `--keyframe NAME` as free-play task parameters. */
function robotOptions(packages: string[], keyframe: string | undefined): Record<string, string> {
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
function policyOnRobot(controllerId: string, set: SetOptions): Record<string, string> {
  const cardParam = findController(controllerId).params.find((p) => p.kind === 'text' && p.file === 'card');
  const out: Record<string, string> = {};
  const card = set.controller[cardParam?.key ?? ''] ?? (cardParam?.default as string | undefined);
  if (cardParam && card && set.task.card === undefined) out.card = card;
  return out;
}

/** The episode a parsed choice describes, as the engine takes it. */
export function episodeSpec({ taskId, controllerId, seed, seconds, set }: EpisodeChoice): EpisodeSpec {
  return { taskId, controllerId, seed, ...(seconds !== undefined ? { seconds } : {}), taskParams: set.task, controllerParams: set.controller, costWeights: set.cost };
}
