/**
 * `actuate sim2sim (--robot FILE | --task T) [--controller C] [--seconds S] [--seed N] [--set …] [--json]`:
 * the same controller in Rapier and in MuJoCo from the same start; both runs' metrics and how far
 * the two drift apart (engine/sim2sim.ts).
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { findController } from '../../control/registry.ts';
import { sim2sim, type Divergence, type Sim2simResult } from '../../engine/sim2sim.ts';
import { ROBOT_TASK_PREFIX } from '../../sim/tasks/free-play.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { parseSetOptions } from '../set-options.ts';
import { UsageError } from '../usage-error.ts';
import { policyOnRobot, robotOptions } from './run.ts';

export async function sim2simCommand(argv: string[]): Promise<string> {
  const { values } = parseArgs({
    args: argv,
    options: {
      task: { type: 'string' },
      robot: { type: 'string' },
      package: { type: 'string', multiple: true, default: [] },
      keyframe: { type: 'string' },
      controller: { type: 'string' },
      seconds: { type: 'string' },
      seed: { type: 'string', default: '0' },
      set: { type: 'string', multiple: true, default: [] },
      'sample-every': { type: 'string', default: '0.1' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.task && !values.robot) throw new UsageError('--task (see `actuate tasks`) or --robot <file> is required');
  if (values.task && values.robot) throw new UsageError('give either --task or --robot, not both');
  const taskId = values.robot ? `${ROBOT_TASK_PREFIX}${resolve(values.robot)}` : values.task!;
  let controllerId: string;
  try {
    controllerId = values.controller ?? findTask(taskId).defaultController;
    findController(controllerId);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got '${values.seed}'`);
  const seconds = values.seconds === undefined ? undefined : Number(values.seconds);
  if (seconds !== undefined && !(seconds > 0)) throw new UsageError(`--seconds must be a positive number, got '${values.seconds}'`);
  const sampleEvery = Number(values['sample-every']);
  if (!(sampleEvery > 0)) throw new UsageError(`--sample-every must be a positive number of seconds, got '${values['sample-every']}'`);
  const set = parseSetOptions(values.set!, taskId, controllerId);
  if (values.robot) Object.assign(set.task, robotOptions(values.package!, values.keyframe), policyOnRobot(controllerId, set));
  else if (values.package!.length || values.keyframe !== undefined) throw new UsageError('--package and --keyframe go with --robot');
  let result: Sim2simResult;
  try {
    result = await sim2sim({
      taskId,
      controllerId,
      seed,
      ...(seconds !== undefined ? { seconds } : {}),
      taskParams: set.task,
      controllerParams: set.controller,
      costWeights: set.cost,
      sampleEvery,
    });
  } catch (err) {
    if ((err as Error).name === 'ParamError') throw new UsageError((err as Error).message);
    throw err;
  }
  return values.json ? JSON.stringify(result) : describe(result);
}

function describe(r: Sim2simResult): string {
  const metrics = (m: Record<string, number>) => Object.entries(m).map(([k, v]) => `${k}=${Number(v.toFixed(4))}`).join(' ');
  const div = (d: Divergence) => `base ${d.basePosition.toFixed(3)} m, heading ${d.heading.toFixed(3)} rad, joints RMS ${d.jointRms.toFixed(3)}`;
  return [
    `${r.task} with ${r.controller} (seed ${r.seed}), ${r.seconds} s in both engines (MuJoCo model: ${r.mujocoModel === 'mjcf-file' ? 'the MJCF file itself' : 'the scene written as MJCF'})`,
    ...Object.entries(r.runs).map(([engine, run]) =>
      `  ${engine.padEnd(6)} ${run.success ? 'SUCCESS' : 'not solved'}${run.error ? ` — ${run.error}` : ''}, return ${run.return}, ${run.controlStepUs} µs per control step\n         ${metrics(run.metrics)}`,
    ),
    `  divergence at the end: ${div(r.divergence.final)}`,
    `  largest divergence:    ${div(r.divergence.max)}`,
  ].join('\n');
}
