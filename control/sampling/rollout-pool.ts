/**
 * A pool of rollout workers, each with its own physics world for one task instance. A request's
 * samples are split into contiguous slices, one per worker, and the results stitched back in order, so
 * results do not depend on the number of workers.
 *
 * The threads are the process's, not the pool's: starting one (a thread, tsx, Rapier's wasm) costs
 * 2–3 s on a busy machine, so a pool borrows them and a disposed pool leaves them running for the
 * next. A controller or task switch then only builds the new task's world in each thread
 * (milliseconds for the built-in tasks), and the studio's latest edit lands within a second.
 * Each thread holds one world per task instance in use (the old controller's until its last plan
 * lands, the new one's from the start); a world no pool uses is dropped. Idle threads do not keep the
 * process alive.
 */
import { Worker } from 'node:worker_threads';
import { WORKER_BOOTSTRAP } from '../worker-bootstrap.ts';
import type { ParamValues } from '../../sim/params.ts';
import type { RolloutEngine, RolloutRequest, RolloutResult } from './rollout.ts';
import type { WorkerMessage, WorkerReply } from './rollout-worker.ts';

const ENTRY = new URL('./rollout-worker.ts', import.meta.url).href;

interface Pending {
  resolve: (r: RolloutResult | undefined) => void;
  reject: (e: Error) => void;
}

/** One rollout thread; requests name the world (task instance) they roll out on. */
class RolloutThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  failure: Error | undefined;
  /** Settles when the thread has loaded its modules and Rapier (seconds when the machine is busy). */
  readonly booted: Promise<void>;

  constructor(private readonly gone: (thread: RolloutThread) => void) {
    this.worker = new Worker(WORKER_BOOTSTRAP, { workerData: { entry: ENTRY } });
    this.worker.ref();
    let booted!: () => void;
    let failed!: (err: Error) => void;
    this.booted = new Promise((resolve, reject) => ((booted = resolve), (failed = reject)));
    this.booted.catch(() => undefined);
    this.bootFailed = failed;
    this.worker.on('message', (m: WorkerReply) => {
      if (m.type === 'booted') {
        if (this.pending.size === 0) this.worker.unref();
        return booted();
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0) this.worker.unref();
      if (m.type === 'error') p.reject(new Error(m.message));
      else p.resolve(m.type === 'result' ? m.result : undefined);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`rollout worker exited with code ${code}`)));
  }

  /** Builds (or shares) the world of `world` in this thread. */
  acquire(world: string, taskId: string, taskParams: ParamValues, modelTimestep: number | undefined, engine: RolloutEngine): Promise<unknown> {
    return this.send((id) => ({ type: 'init', id, world, taskId, taskParams, modelTimestep, engine }));
  }

  run(world: string, request: RolloutRequest, from: number, to: number): Promise<RolloutResult> {
    return this.send((id) => ({ type: 'run', id, world, request, from, to })) as Promise<RolloutResult>;
  }

  /** The pool using `world` is done with it; the thread drops it when no pool is left. */
  release(world: string): void {
    if (!this.failure) this.worker.postMessage({ type: 'release', world } satisfies WorkerMessage);
  }

  private send(message: (id: number) => WorkerMessage): Promise<RolloutResult | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // A thread with work in flight keeps the process alive until it answers.
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(message(id));
    });
  }

  private readonly bootFailed: (err: Error) => void;

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.bootFailed(err);
    this.gone(this);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    this.worker.unref();
  }

  terminate(): Promise<number> {
    this.fail(new Error('rollout threads were stopped'));
    return this.worker.terminate();
  }
}

/** The process's rollout threads; a pool of n threads uses the first n (a dead one is replaced). */
const threads: (RolloutThread | undefined)[] = [];

function thread(index: number): RolloutThread {
  const existing = threads[index];
  if (existing && !existing.failure) return existing;
  const fresh = new RolloutThread((dead) => {
    const i = threads.indexOf(dead);
    if (i >= 0) threads[i] = undefined;
  });
  threads[index] = fresh;
  return fresh;
}

/** How many rollout threads are running (for tests: switches must not start new ones). */
export function rolloutThreadCount(): number {
  return threads.filter((t) => t && !t.failure).length;
}

/** Stops every rollout thread (a pool used afterwards starts fresh ones). */
export async function stopRolloutThreads(): Promise<void> {
  const all = threads.splice(0);
  await Promise.all(all.map((t) => t?.terminate()));
}

/** Starts (or finds running) the first `count` rollout threads and waits until they have booted. */
export async function startRolloutThreads(count: number): Promise<void> {
  await Promise.all(Array.from({ length: Math.max(1, count) }, (_, i) => thread(i).booted));
}

let nextPool = 1;

export class RolloutPool {
  private released = false;

  private constructor(
    private readonly threads: RolloutThread[],
    /** This pool's world in each of its threads. */
    private readonly world: string,
  ) {}

  /**
   * `modelTimestep` overrides the scene's physics step in the rollout worlds (a coarser, faster model);
   * `engine` is what they simulate in.
   */
  static async create(taskId: string, taskParams: ParamValues, workers: number, modelTimestep?: number, engine: RolloutEngine = 'rapier'): Promise<RolloutPool> {
    const pool = new RolloutPool(
      Array.from({ length: Math.max(1, workers) }, (_, i) => thread(i)),
      `${nextPool++}`,
    );
    try {
      await Promise.all(pool.threads.map((t) => t.acquire(pool.world, taskId, taskParams, modelTimestep, engine)));
    } catch (err) {
      await pool.dispose();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.threads.length;
  }

  async run(request: RolloutRequest): Promise<RolloutResult> {
    if (this.released) throw new Error('rollout pool used after dispose');
    const n = request.sampleCount;
    const slices = Math.min(this.threads.length, n);
    const parts = await Promise.all(
      Array.from({ length: slices }, (_, i) => {
        const from = Math.floor((i * n) / slices);
        const to = Math.floor(((i + 1) * n) / slices);
        return this.threads[i]!.run(this.world, request, from, to);
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

  /** Lets go of this pool's worlds; the threads stay for the next pool. */
  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const t of this.threads) t.release(this.world);
  }
}
