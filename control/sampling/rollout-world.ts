/**
 * The world a rollout thread simulates a task instance in, and its runner: Rapier, or MuJoCo when
 * asked. Built the same way in the rollout workers and, for a caller that waits for its plans, on the
 * pool's own thread.
 */
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { loadMujoco } from '../../sim/mujoco/load-mujoco.ts';
import { mujocoWorldForTask } from '../../sim/mujoco/mujoco-world.ts';
import type { SimWorld } from '../../sim/robot/sim-world.ts';
import { findTask } from '../../sim/tasks/index.ts';
import type { ParamValues } from '../../sim/params.ts';
import { RolloutRunner, type RolloutEngine } from './rollout.ts';

/** What a rollout world is built from. */
export interface RolloutWorldSpec {
  taskId: string;
  taskParams: ParamValues;
  /** Overrides the scene's physics step (a coarser, faster model). */
  modelTimestep: number | undefined;
  engine: RolloutEngine;
}

export async function buildRolloutWorld(spec: RolloutWorldSpec): Promise<{ world: SimWorld; runner: RolloutRunner }> {
  const task = findTask(spec.taskId).build(spec.taskParams);
  const scene = spec.modelTimestep ? { ...task.scene, timestep: spec.modelTimestep } : task.scene;
  // Rollouts read states, never contacts: MuJoCo computes each step's kinematics once (fuseSteps). A
  // Rapier rollout world forgets its contacts on setState (freshContacts), so no rollout warm-starts from
  // another's impulses; it still carries more from its past (SimWorld.historyFree), which MuJoCo's does not.
  const world = spec.engine === 'mujoco' ? mujocoWorldForTask(await loadMujoco(), scene, spec.taskId, { fuseSteps: true }) : new PhysicsWorld(await loadRapier(), scene, { freshContacts: true });
  return { world, runner: new RolloutRunner(world, task) };
}
