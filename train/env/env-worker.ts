/**
 * A worker thread holding a slice of the vectorized environments (vec-env.ts); vec-env-pool.ts talks
 * to it. Messages: init → ready, reset → features, step → StepResult (buffers transferred), snapshot →
 * the environments as data, restore → restored.
 */
import { parentPort } from 'node:worker_threads';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import { policyLayout } from '../policy-layout.ts';
import { buildTask } from './task-build.ts';
import { VecEnv, type EnvSnapshot, type VecEnvOptions } from './vec-env.ts';

export interface EnvInit {
  type: 'init';
  taskId: string;
  taskParams: Record<string, unknown>;
  count: number;
  /** Index of this worker's first environment among all (so seeds do not depend on the split). */
  first: number;
  seed: number;
  options: VecEnvOptions;
}

let env: VecEnv | undefined;
const port = parentPort!;

export type EnvRequest = EnvInit | { type: 'reset' } | { type: 'step'; actions: Float32Array } | { type: 'snapshot' } | { type: 'restore'; snapshots: EnvSnapshot[] } | { type: 'close' };

port.on('message', async (m: EnvRequest) => {
  try {
    if (m.type === 'init') {
      const R = await loadRapier();
      const { task } = buildTask(m.taskId, m.taskParams);
      env = new VecEnv(R, task, policyLayout(task), m.count, m.seed, m.first, m.options);
      port.postMessage({ type: 'ready' });
    } else if (m.type === 'reset') {
      const features = env!.reset();
      port.postMessage({ type: 'reset', features }, [features.buffer as ArrayBuffer]);
    } else if (m.type === 'step') {
      const r = env!.step(m.actions);
      port.postMessage({ type: 'step', result: r }, [r.features, r.rewards, r.terminated, r.truncated, r.finalFeatures].map((a) => a.buffer as ArrayBuffer));
    } else if (m.type === 'snapshot') {
      port.postMessage({ type: 'snapshot', snapshots: env!.snapshot() });
    } else if (m.type === 'restore') {
      env!.restore(m.snapshots);
      port.postMessage({ type: 'restored' });
    } else if (m.type === 'close') {
      env?.dispose();
      port.close();
    }
  } catch (err) {
    port.postMessage({ type: 'error', message: (err as Error).message });
  }
});
