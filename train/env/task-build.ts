/** Builds a registered task with parameters checked against its schema (shared by workers and the CLI). */
import { defaults, mergeParams, type ParamValues } from '../../sim/params.ts';
import type { TaskInstance } from '../../sim/task.ts';
import { findTask } from '../../sim/tasks/index.ts';

export function buildTask(taskId: string, params: Record<string, unknown> = {}): { task: TaskInstance; values: ParamValues } {
  const def = findTask(taskId);
  const values = mergeParams(def.params, defaults(def.params), params, 'task');
  return { task: def.build(values), values };
}
