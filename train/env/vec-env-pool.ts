/**
 * Vectorized environments spread over worker threads: N environments in W contiguous slices, stepped
 * in parallel, results stitched back in order. Environment i gets the same seed whatever W is.
 */
import { Worker } from 'node:worker_threads';
import { WORKER_BOOTSTRAP } from '../../control/worker-bootstrap.ts';
import type { EnvInit, EnvRequest } from './env-worker.ts';
import type { EnvSnapshot, StepResult, VecEnvOptions } from './vec-env.ts';

const ENTRY = new URL('./env-worker.ts', import.meta.url).href;

type Reply =
  | { type: 'ready' }
  | { type: 'reset'; features: Float32Array }
  | { type: 'step'; result: StepResult }
  | { type: 'snapshot'; snapshots: EnvSnapshot[] }
  | { type: 'restored' }
  | { type: 'error'; message: string };

class EnvWorker {
  private readonly worker = new Worker(WORKER_BOOTSTRAP, { workerData: { entry: ENTRY } });
  private waiting: { resolve: (r: Reply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(readonly count: number) {
    this.worker.on('message', (m: Reply) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (m.type === 'error') w?.reject(new Error(m.message));
      else w?.resolve(m);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`environment worker exited with code ${code}`));
    });
  }

  request(message: EnvRequest, transfer: ArrayBuffer[] = []): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
      this.worker.postMessage(message, transfer);
    });
  }

  private fail(err: Error): void {
    this.failure = err;
    this.waiting?.reject(err);
    this.waiting = undefined;
  }

  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

export interface VecEnvPoolOptions {
  taskId: string;
  taskParams?: Record<string, unknown>;
  envs: number;
  workers: number;
  seed: number;
  featureDim: number;
  actionDim: number;
  env?: VecEnvOptions;
}

export class VecEnvPool {
  private constructor(
    private readonly workers: EnvWorker[],
    readonly count: number,
    readonly featureDim: number,
    readonly actionDim: number,
  ) {}

  static async create(o: VecEnvPoolOptions): Promise<VecEnvPool> {
    const w = Math.max(1, Math.min(o.workers, o.envs));
    const workers = Array.from({ length: w }, (_, k) => new EnvWorker(Math.floor(o.envs / w) + (k < o.envs % w ? 1 : 0)));
    const pool = new VecEnvPool(workers, o.envs, o.featureDim, o.actionDim);
    try {
      let start = 0;
      await Promise.all(
        workers.map((worker) => {
          const init: EnvInit = { type: 'init', taskId: o.taskId, taskParams: o.taskParams ?? {}, count: worker.count, first: start, seed: o.seed, options: o.env ?? {} };
          start += worker.count;
          return worker.request(init);
        }),
      );
    } catch (err) {
      await pool.dispose();
      throw err;
    }
    return pool;
  }

  async reset(): Promise<Float32Array> {
    const parts = await Promise.all(this.workers.map((w) => w.request({ type: 'reset' })));
    return concat(parts.map((p) => (p as { features: Float32Array }).features), this.count * this.featureDim);
  }

  async step(actions: Float32Array): Promise<StepResult> {
    const A = this.actionDim;
    let start = 0;
    const parts = await Promise.all(
      this.workers.map((w) => {
        const slice = actions.slice(start * A, (start + w.count) * A);
        start += w.count;
        return w.request({ type: 'step', actions: slice }, [slice.buffer]);
      }),
    );
    const results = parts.map((p) => (p as { result: StepResult }).result);
    const F = this.featureDim;
    const n = this.count;
    return {
      features: concat(results.map((r) => r.features), n * F),
      rewards: concat(results.map((r) => r.rewards), n),
      terminated: concatBytes(results.map((r) => r.terminated), n),
      truncated: concatBytes(results.map((r) => r.truncated), n),
      finalFeatures: concat(results.map((r) => r.finalFeatures), n * F),
      episodes: results.flatMap((r) => r.episodes),
    };
  }

  /** Every environment as data, in order (VecEnv.snapshot). */
  async snapshot(): Promise<EnvSnapshot[]> {
    const parts = await Promise.all(this.workers.map((w) => w.request({ type: 'snapshot' })));
    return parts.flatMap((p) => (p as { snapshots: EnvSnapshot[] }).snapshots);
  }

  /** Continues every environment from `snapshot()`'s data. */
  async restore(snapshots: EnvSnapshot[]): Promise<void> {
    if (snapshots.length !== this.count) throw new Error(`checkpoint: ${snapshots.length} environment states for ${this.count} environments`);
    let start = 0;
    await Promise.all(
      this.workers.map((w) => {
        const part = snapshots.slice(start, start + w.count);
        start += w.count;
        return w.request({ type: 'restore', snapshots: part });
      }),
    );
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}

function concat(parts: Float32Array[], length: number): Float32Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function concatBytes(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
