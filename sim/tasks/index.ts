/** The task registry: adding a task is one file and one line here. */
import { ParamError } from '../params.ts';
import type { TaskDefinition } from '../task.ts';
import { cartpoleSwingup } from './cartpole-swingup.ts';
import { pendulumSwingup } from './pendulum-swingup.ts';
import { pushBox } from './push-box.ts';
import { so101Reach } from './so101-reach.ts';
import { so101Push } from './so101-push.ts';
import { go2Stand } from './go2-stand.ts';
import { go2Walk } from './go2-walk.ts';
import { go2wWalk } from './go2w-walk.ts';
import { antWalk } from './ant-walk.ts';
import { freePlayTask, ROBOT_TASK_PREFIX } from './free-play.ts';

export const TASKS: readonly TaskDefinition[] = [pendulumSwingup, cartpoleSwingup, pushBox, so101Reach, so101Push, go2Stand, go2Walk, go2wWalk, antWalk];

/** Finds a registered task, or builds the free-play task of `robot:<file>`. */
export function findTask(id: string): TaskDefinition {
  if (id.startsWith(ROBOT_TASK_PREFIX)) return freePlayTask(id.slice(ROBOT_TASK_PREFIX.length));
  const task = TASKS.find((t) => t.id === id);
  if (!task) throw new ParamError(`unknown task '${id}'; available: ${TASKS.map((t) => t.id).join(', ')}`);
  return task;
}
