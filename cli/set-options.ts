/**
 * `--set scope.key=value` options of `actuate run`: task.<param>, controller.<param>, cost.<term>.
 * Keys are checked against the task's and controller's schemas before anything runs.
 */
import { findController } from '../control/registry.ts';
import { defaults } from '../sim/params.ts';
import { findTask } from '../sim/tasks/index.ts';
import { UsageError } from './usage-error.ts';

export interface SetOptions {
  task: Record<string, string>;
  controller: Record<string, string>;
  cost: Record<string, string>;
}

export function parseSetOptions(pairs: string[], taskId: string, controllerId: string): SetOptions {
  const task = findTask(taskId);
  const controller = findController(controllerId);
  const instance = task.build(defaults(task.params));
  const costTerms = instance.costTerms.map((t) => t.name);
  const valid = {
    task: task.params.map((p) => p.key),
    controller: (controller.paramsFor?.(instance) ?? controller.params).map((p) => p.key),
    cost: costTerms,
  };
  const listValid = () =>
    Object.entries(valid)
      .flatMap(([scope, keys]) => keys.map((k) => `${scope}.${k}`))
      .join(', ');
  const result: SetOptions = { task: {}, controller: {}, cost: {} };
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
