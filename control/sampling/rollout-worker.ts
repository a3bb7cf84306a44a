/**
 * Worker thread of rollout-pool.ts. It holds one world (Rapier, or MuJoCo when asked) per task instance a pool uses (built
 * from the task's scene description) and evaluates slices of rollout requests on the one named.
 * Messages are answered in order, each with its id.
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
import { RolloutRunner, type RolloutEngine, type RolloutRequest, type RolloutResult } from './rollout.ts';

export type WorkerMessage =
  | { type: 'init'; id: number; world: string; taskId: string; taskParams: ParamValues; modelTimestep: number | undefined; engine: RolloutEngine }
  | { type: 'run'; id: number; world: string; request: RolloutRequest; from: number; to: number }
  | { type: 'release'; world: string };

export type WorkerReply =
  | { type: 'booted' }
  | { type: 'ready'; id: number }
  | { type: 'result'; id: number; result: RolloutResult }
  | { type: 'error'; id: number; message: string };

const port = parentPort!;
// Rollouts need bodies, joints and collision shapes; reading Collada visuals would only cost start-up time.
simulateOnly();
// Told once the modules and Rapier are loaded: a pool can then count on a world in milliseconds.
void loadRapier().then(() => port.postMessage({ type: 'booted' } satisfies WorkerReply));
const worlds = new Map<string, { world: SimWorld; runner: RolloutRunner }>();

const handle = async (message: WorkerMessage): Promise<WorkerReply | undefined> => {
  if (message.type === 'init') {
    const task = findTask(message.taskId).build(message.taskParams);
    const scene = message.modelTimestep ? { ...task.scene, timestep: message.modelTimestep } : task.scene;
    // Rollouts read states, never contacts: MuJoCo computes each step's kinematics once (fuseSteps).
    const world = message.engine === 'mujoco' ? mujocoWorldForTask(await loadMujoco(), scene, message.taskId, { fuseSteps: true }) : new PhysicsWorld(await loadRapier(), scene);
    worlds.set(message.world, { world, runner: new RolloutRunner(world, task) });
    return { type: 'ready', id: message.id };
  }
  if (message.type === 'run') {
    const entry = worlds.get(message.world);
    if (!entry) throw new Error('rollout worker asked for a world it does not hold (its pool was disposed)');
    return { type: 'result', id: message.id, result: entry.runner.run(message.request, message.from, message.to) };
  }
  worlds.get(message.world)?.world.dispose();
  worlds.delete(message.world);
  return undefined;
};

/** One message at a time, in order: a release never overtakes the init of its world. */
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: WorkerMessage) => {
  queue = queue.then(async () => {
    try {
      const reply = await handle(message);
      if (!reply) return;
      const transfer = reply.type === 'result' ? ([reply.result.costs.buffer, ...(reply.result.traces ? [reply.result.traces.buffer] : [])] as ArrayBuffer[]) : [];
      port.postMessage(reply, transfer);
    } catch (err) {
      if ('id' in message) port.postMessage({ type: 'error', id: message.id, message: (err as Error).message } satisfies WorkerReply);
    }
  });
});
