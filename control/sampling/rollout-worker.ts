/**
 * Worker thread of rollout-pool.ts. It holds one world (Rapier, or MuJoCo when asked) per task instance a pool uses (built
 * from the task's scene description) and takes part in the pool's rollout requests, which arrive in
 * shared memory (rollout-job.ts). Messages (a world to build, a larger job buffer, a world to let go of)
 * are answered in order, each with its id.
 */
import { parentPort } from 'node:worker_threads';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import type { SimWorld } from '../../sim/robot/sim-world.ts';
import { simulateOnly } from '../../sim/tasks/robot-assets.ts';
import type { RolloutRunner } from './rollout.ts';
import { closeJob, RolloutJobServer } from './rollout-job.ts';
import { buildRolloutWorld, type RolloutWorldSpec } from './rollout-world.ts';

export type WorkerMessage =
  /** `index`: this thread's place in the pool, whose doorbell in `job` it waits at. */
  | { type: 'init'; id: number; world: string; spec: RolloutWorldSpec; job: SharedArrayBuffer; index: number }
  | { type: 'job'; id: number; world: string; job: SharedArrayBuffer }
  | { type: 'release'; world: string };

/** `historyFree` answers an init: whether the world's rollouts depend on their start state alone (SimWorld.historyFree). */
export type WorkerReply = { type: 'booted' } | { type: 'ready'; id: number; historyFree?: boolean } | { type: 'error'; id: number; message: string };

const port = parentPort!;
// Rollouts need bodies, joints and collision shapes; reading Collada visuals would only cost start-up time.
simulateOnly();
// Told once the modules and Rapier are loaded: a pool can then count on a world in milliseconds.
void loadRapier().then(() => port.postMessage({ type: 'booted' } satisfies WorkerReply));
const worlds = new Map<string, { world: SimWorld; runner: RolloutRunner; server: RolloutJobServer; index: number }>();

/** Serves the pool's requests on `runner` from the job buffer `job` until it is closed. */
function serveJob(runner: RolloutRunner, job: SharedArrayBuffer, index: number): RolloutJobServer {
  const server = new RolloutJobServer(job, runner, index);
  // A rollout's own error is reported through the job; this is only shared memory failing.
  server.serve().catch((err: Error) => console.error(`rollout worker: ${err.message}`));
  return server;
}

const handle = async (message: WorkerMessage): Promise<WorkerReply | undefined> => {
  if (message.type === 'init') {
    const { world, runner } = await buildRolloutWorld(message.spec);
    worlds.set(message.world, { world, runner, index: message.index, server: serveJob(runner, message.job, message.index) });
    return { type: 'ready', id: message.id, historyFree: world.historyFree };
  }
  const entry = worlds.get(message.world);
  if (!entry) return message.type === 'job' ? { type: 'error', id: message.id, message: 'rollout worker asked for a world it does not hold (its pool was disposed)' } : undefined;
  // A request posted before this message is served first (on the way out, or before the buffer is replaced).
  entry.server.servePending();
  closeJob(entry.server.buffer);
  if (message.type === 'job') {
    entry.server = serveJob(entry.runner, message.job, entry.index);
    return { type: 'ready', id: message.id };
  }
  entry.world.dispose();
  worlds.delete(message.world);
  return undefined;
};

/** One message at a time, in order: a release never overtakes the init of its world. */
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: WorkerMessage) => {
  queue = queue.then(async () => {
    try {
      const reply = await handle(message);
      if (reply) port.postMessage(reply);
    } catch (err) {
      if ('id' in message) port.postMessage({ type: 'error', id: message.id, message: (err as Error).message } satisfies WorkerReply);
    }
  });
});
