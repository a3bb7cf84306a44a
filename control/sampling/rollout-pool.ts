/**
 * A pool of rollout workers, each with its own physics world for one task instance. A request's
 * samples are split into contiguous slices, one per worker, and the results stitched back in order, so
 * results do not depend on the number of workers.
 */
import { Worker } from 'node:worker_threads';
import { WORKER_BOOTSTRAP } from '../worker-bootstrap.ts';
import type { ParamValues } from '../../sim/params.ts';
import type { RolloutEngine, RolloutRequest, RolloutResult } from './rollout.ts';

const ENTRY = new URL('./rollout-worker.ts', import.meta.url).href;

interface Pending {
  resolve: (r: RolloutResult) => void;
  reject: (e: Error) => void;
}

class RolloutWorker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private readyPromise: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private onFailure: ((err: Error) => void) | undefined;

  constructor() {
    this.worker = new Worker(WORKER_BOOTSTRAP, { workerData: { entry: ENTRY } });
    this.worker.on('message', (m: { type: string; id?: number; result?: RolloutResult; message?: string }) => {
      if (m.type === 'result') this.settle(m.id!, (p) => p.resolve(m.result!));
      else if (m.type === 'error') this.settle(m.id ?? 0, (p) => p.reject(new Error(m.message)));
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => {
      if (code !== 0) this.fail(new Error(`rollout worker exited with code ${code}`));
    });
  }

  init(taskId: string, taskParams: ParamValues, modelTimestep: number | undefined, engine: RolloutEngine): Promise<void> {
    this.readyPromise = new Promise((resolve, reject) => {
      // A worker that dies while loading (a module it cannot import) fails the init instead of hanging it.
      this.onFailure = reject;
      const onMessage = (m: { type: string; message?: string; id?: number }) => {
        if (m.type === 'ready') resolve();
        else if (m.type === 'error' && m.id === undefined) reject(new Error(m.message));
        else return;
        this.worker.off('message', onMessage);
      };
      this.worker.on('message', onMessage);
    });
    this.worker.postMessage({ type: 'init', taskId, taskParams, modelTimestep, engine });
    return this.readyPromise;
  }

  async run(request: RolloutRequest, from: number, to: number): Promise<RolloutResult> {
    await this.readyPromise;
    if (this.failure) throw this.failure;
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ type: 'run', id, request, from, to });
    });
  }

  private settle(id: number, fn: (p: Pending) => void): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    fn(p);
  }

  private fail(err: Error): void {
    this.failure = err;
    this.onFailure?.(err);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}

export class RolloutPool {
  private readonly workers: RolloutWorker[];

  private constructor(count: number) {
    this.workers = Array.from({ length: count }, () => new RolloutWorker());
  }

  /**
   * `modelTimestep` overrides the scene's physics step in the rollout worlds (a coarser, faster model);
   * `engine` is what they simulate in.
   */
  static async create(taskId: string, taskParams: ParamValues, workers: number, modelTimestep?: number, engine: RolloutEngine = 'rapier'): Promise<RolloutPool> {
    const pool = new RolloutPool(Math.max(1, workers));
    await Promise.all(pool.workers.map((w) => w.init(taskId, taskParams, modelTimestep, engine)));
    return pool;
  }

  get size(): number {
    return this.workers.length;
  }

  async run(request: RolloutRequest): Promise<RolloutResult> {
    const n = request.sampleCount;
    const slices = Math.min(this.workers.length, n);
    const parts = await Promise.all(
      Array.from({ length: slices }, (_, i) => {
        const from = Math.floor((i * n) / slices);
        const to = Math.floor(((i + 1) * n) / slices);
        return this.workers[i]!.run(request, from, to);
      }),
    );
    const costs = new Float64Array(n);
    const traces = request.trace ? new Float32Array(n * request.steps * 3) : undefined;
    let offset = 0;
    let physicsSteps = 0;
    for (const part of parts) {
      costs.set(part.costs, offset);
      if (traces && part.traces) traces.set(part.traces, offset * request.steps * 3);
      offset += part.costs.length;
      physicsSteps += part.physicsSteps;
    }
    return { costs, ...(traces ? { traces } : {}), physicsSteps };
  }

  async dispose(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
