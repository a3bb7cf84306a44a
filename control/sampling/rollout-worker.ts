/**
 * Worker thread that owns its own physics world (Rapier, or MuJoCo when asked) built from the task's scene description and evaluates
 * slices of rollout requests. Messages: {type:'init', taskId, taskParams} then {type:'run', id, request, from, to}.
 */
import { parentPort } from 'node:worker_threads';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { PhysicsWorld } from '../../sim/rapier/physics-world.ts';
import { loadMujoco } from '../../sim/mujoco/load-mujoco.ts';
import { mujocoWorldForTask } from '../../sim/mujoco/mujoco-world.ts';
import type { SimWorld } from '../../sim/robot/sim-world.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { simulateOnly } from '../../sim/tasks/robot-assets.ts';
import type { ParamValues } from '../../sim/params.ts';
import { RolloutRunner, type RolloutEngine, type RolloutRequest } from './rollout.ts';

type Message =
  | { type: 'init'; taskId: string; taskParams: ParamValues; modelTimestep?: number; engine?: RolloutEngine }
  | { type: 'run'; id: number; request: RolloutRequest; from: number; to: number }
  | { type: 'dispose' };

const port = parentPort!;
// Rollouts need bodies, joints and collision shapes; reading Collada visuals would only cost start-up time.
simulateOnly();
let world: SimWorld | undefined;
let runner: RolloutRunner | undefined;

port.on('message', async (message: Message) => {
  try {
    if (message.type === 'init') {
      const task = findTask(message.taskId).build(message.taskParams);
      world?.dispose();
      const scene = message.modelTimestep ? { ...task.scene, timestep: message.modelTimestep } : task.scene;
      world = message.engine === 'mujoco' ? mujocoWorldForTask(await loadMujoco(), scene, message.taskId) : new PhysicsWorld(await loadRapier(), scene);
      runner = new RolloutRunner(world, task);
      port.postMessage({ type: 'ready' });
    } else if (message.type === 'run') {
      if (!runner) throw new Error('rollout worker used before init');
      const result = runner.run(message.request, message.from, message.to);
      const transfer = [result.costs.buffer, ...(result.traces ? [result.traces.buffer] : [])] as ArrayBuffer[];
      port.postMessage({ type: 'result', id: message.id, result }, transfer);
    } else if (message.type === 'dispose') {
      world?.dispose();
      world = undefined;
      port.close();
    }
  } catch (err) {
    port.postMessage({ type: 'error', id: (message as { id?: number }).id, message: (err as Error).message });
  }
});
