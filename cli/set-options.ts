/**
 * `--set scope.key=value` options of `actuate run`: task.<param>, controller.<param>, cost.<term>, and
 * expert.<param> when there is an expert (`record --expert`). Keys are checked against the task's and
 * controllers' schemas before anything runs.
 */
import { controllerParams } from '../control/controller.ts';
import { findController } from '../control/registry.ts';
import { defaults } from '../sim/params.ts';
import { findTask } from '../sim/tasks/index.ts';
import { UsageError } from './usage-error.ts';

export interface SetOptions {
  task: Record<string, string>;
  controller: Record<string, string>;
  cost: Record<string, string>;
  expert: Record<string, string>;
}

export function parseSetOptions(pairs: string[], taskId: string, controllerId: string, expertId?: string): SetOptions {
  const task = findTask(taskId);
  const instance = task.build(defaults(task.params));
  const costTerms = instance.costTerms.map((t) => t.name);
  const keysOf = (id: string) => controllerParams(findController(id), instance).map((p) => p.key);
  const valid: Record<keyof SetOptions, string[]> = {
    task: task.params.map((p) => p.key),
    controller: keysOf(controllerId),
    cost: costTerms,
    expert: expertId === undefined ? [] : keysOf(expertId),
  };
  const listValid = () =>
    Object.entries(valid)
      .flatMap(([scope, keys]) => keys.map((k) => `${scope}.${k}`))
      .join(', ');
  const result: SetOptions = { task: {}, controller: {}, cost: {}, expert: {} };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq < 0) throw new UsageError(`--set expects key=value, got '${pair}'`);
    const key = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    const dot = key.indexOf('.');
    const scope = key.slice(0, dot) as keyof SetOptions;
    const name = key.slice(dot + 1);
    if (dot < 0 || !(scope in valid) || !valid[scope].includes(name)) {
      throw new UsageError(`unknown --set key '${key}'; valid keys: ${listValid()}`);
    }
    result[scope][name] = value;
  }
  return result;
}
