/**
 * Every task works with its default controller: run in-process as `actuate run --task T` runs it (no
 * --controller, the task's own episode length and planner settings), each task succeeds by its own
 * metric on seeds 0–2. The tasks are checked in three files (task-defaults-*.test.ts) so that Vitest's
 * workers share them; docs/success-matrix.md (scripts/success-matrix.mjs) shows every controller on
 * every task.
 */
import { describe, expect, it } from 'vitest';
import { findController } from '../../../control/registry.ts';
import { runEpisode } from '../../../engine/run-episode.ts';
import { TASKS } from '../../../sim/tasks/index.ts';

/** Which file checks which task; CPU-seconds per group are about even (≈ 60 each on a quiet core pair). */
export const TASK_GROUPS = {
  control: ['pendulum-swingup', 'cartpole-swingup', 'push-box'],
  arm: ['so101-reach', 'so101-push'],
  legged: ['go2-stand', 'go2-walk', 'go2w-walk', 'ant-walk'],
} as const;

const grouped = Object.values(TASK_GROUPS).flat() as string[];
const unchecked = TASKS.map((t) => t.id).filter((id) => !grouped.includes(id));
if (unchecked.length) throw new Error(`tasks in no TASK_GROUPS entry of tests/integration/support/task-defaults.ts: ${unchecked.join(', ')}`);

/** Seeds per task: 0–2 (ACTUATE_TASK_SEEDS=N runs N). */
const SEEDS = Array.from({ length: Number(process.env.ACTUATE_TASK_SEEDS ?? 3) }, (_, i) => i);

export function describeTaskDefaults(group: keyof typeof TASK_GROUPS): void {
  const tasks = TASKS.filter((t) => (TASK_GROUPS[group] as readonly string[]).includes(t.id));
  describe.each(tasks.map((t) => [t.id, t] as const))('%s with its default controller', (id, task) => {
    it('names a registered controller', () => {
      expect(() => findController(task.defaultController)).not.toThrow();
    });

    it.each(SEEDS)('succeeds by its own metric, seed %i', async (seed) => {
      const result = await runEpisode({ taskId: id, seed });
      expect(result.controller).toBe(task.defaultController);
      expect(result.error).toBeUndefined();
      expect({ success: result.success, metrics: result.metrics }).toMatchObject({ success: true });
    });
  });
}
