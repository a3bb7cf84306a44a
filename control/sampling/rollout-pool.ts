/**
 * A pool of rollout workers, each with its own physics world for one task instance. A request crosses
 * to them in shared memory (rollout-job.ts) and each sample's cost lands at its own index. When the
 * worlds' rollouts depend on their start state alone (SimWorld.historyFree: MuJoCo), workers claim
 * samples until none are left, so a late worker (descheduled on a busy machine, collecting garbage)
 * holds no plan up; otherwise (Rapier) each rolls out a fixed share, so that every world's history, and
 * with it every plan, repeats run to run.
 *
 * A caller that waits for the answer and does nothing meanwhile (lock-step runs: `callerWaits`) lends
 * its thread: it rolls out too, on a world of its own, and one worker fewer is woken — the same number
 * of threads computing, one hand-over fewer, and no thread waking up from sleep before the work
 * starts. Live planning never does this: the caller's thread runs the control loop.
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
import { RolloutJob, MAX_JOB_THREADS } from './rollout-job.ts';
import type { WorkerMessage, WorkerReply } from './rollout-worker.ts';
import { buildRolloutWorld, type RolloutWorldSpec } from './rollout-world.ts';
import type { RolloutRunner } from './rollout.ts';
import type { SimWorld } from '../../sim/robot/sim-world.ts';

const ENTRY = new URL('./rollout-worker.ts', import.meta.url).href;

interface Pending {
  resolve: (reply: WorkerReply & { type: 'ready' }) => void;
  reject: (e: Error) => void;
}

/** One rollout thread; messages name the world (task instance) they are about. */
class RolloutThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private readonly failureListeners = new Set<(err: Error) => void>();
  private nextId = 1;
  /** Reasons to keep the process alive: booting, messages awaiting an answer, requests out in shared memory. */
  private holds = 1;
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
        this.let();
        return booted();
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      this.let();
      if (m.type === 'error') p.reject(new Error(m.message));
      else p.resolve(m);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`rollout worker exited with code ${code}`)));
  }

  /**
   * Builds the world of `world` in this thread, serving requests rung at doorbell `index` of `job`;
   * settles with whether its rollouts depend on their start state alone.
   */
  async acquire(world: string, spec: RolloutWorldSpec, job: SharedArrayBuffer, index: number): Promise<boolean> {
    return (await this.send((id) => ({ type: 'init', id, world, spec, job, index }))).historyFree ?? false;
  }

  /** The world's requests come in `job` from now on (a larger buffer). */
  async replaceJob(world: string, job: SharedArrayBuffer): Promise<void> {
    await this.send((id) => ({ type: 'job', id, world, job }));
  }

  /** The pool using `world` is done with it; the thread drops it when no pool is left. */
  release(world: string): void {
    if (!this.failure) this.worker.postMessage({ type: 'release', world } satisfies WorkerMessage);
  }

  /**
   * While a request is out in shared memory (which does not keep the process alive), the thread does;
   * `failed` hears if it dies meanwhile. Returns the function that ends the hold.
   */
  hold(failed: (err: Error) => void): () => void {
    if (this.failure) {
      failed(this.failure);
      return () => undefined;
    }
    this.keep();
    this.failureListeners.add(failed);
    return () => {
      if (this.failureListeners.delete(failed)) this.let();
    };
  }

  private send(message: (id: number) => WorkerMessage): Promise<WorkerReply & { type: 'ready' }> {
    if (this.failure) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.keep();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage(message(id));
    });
  }

  private keep(): void {
    if (this.holds++ === 0) this.worker.ref();
  }

  private let(): void {
    if (--this.holds === 0) this.worker.unref();
  }

  private readonly bootFailed: (err: Error) => void;

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = err;
    this.bootFailed(err);
    this.gone(this);
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const listener of this.failureListeners) listener(err);
    this.failureListeners.clear();
    this.holds = 0;
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

/** How a request is run. */
export interface RunOptions {
  /** The caller waits for the answer and does nothing meanwhile (lock-step): its thread rolls out too. */
  callerWaits?: boolean;
}

export class RolloutPool {
  private released = false;
  /** Set when a request failed: a thread may still be finishing a sample of it, so the job is not reused. */
  private failure: Error | undefined;
  /** Requests run one at a time (they share the job). */
  private queue: Promise<unknown> = Promise.resolve();
  /** The world the caller's thread rolls out on when it waits; built at the first such request. */
  private local: Promise<{ world: SimWorld; runner: RolloutRunner }> | undefined;
  /** Whether the worlds' rollouts depend on their start state alone, so samples may go to any thread. */
  private historyFree = false;

  private constructor(
    private readonly threads: RolloutThread[],
    /** This pool's world in each of its threads. */
    private readonly world: string,
    private readonly spec: RolloutWorldSpec,
    private job: RolloutJob,
  ) {}

  /**
   * `modelTimestep` overrides the scene's physics step in the rollout worlds (a coarser, faster model);
   * `engine` is what they simulate in.
   */
  static async create(taskId: string, taskParams: ParamValues, workers: number, modelTimestep?: number, engine: RolloutEngine = 'rapier'): Promise<RolloutPool> {
    const pool = new RolloutPool(
      Array.from({ length: Math.min(MAX_JOB_THREADS, Math.max(1, workers)) }, (_, i) => thread(i)),
      `${nextPool++}`,
      { taskId, taskParams, modelTimestep, engine },
      new RolloutJob(),
    );
    try {
      const historyFree = await Promise.all(pool.threads.map((t, i) => t.acquire(pool.world, pool.spec, pool.job.buffer, i)));
      pool.historyFree = historyFree.every(Boolean);
    } catch (err) {
      await pool.dispose();
      throw err;
    }
    return pool;
  }

  get size(): number {
    return this.threads.length;
  }

  run(request: RolloutRequest, options: RunOptions = {}): Promise<RolloutResult> {
    if (this.released) return Promise.reject(new Error('rollout pool used after dispose'));
    const result = this.queue.then(() => this.runNow(request, options.callerWaits ?? false));
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async runNow(request: RolloutRequest, callerWaits: boolean): Promise<RolloutResult> {
    if (this.failure) throw this.failure;
    if (!this.job.fits(request)) {
      const larger = new RolloutJob(request);
      await Promise.all(this.threads.map((t) => t.replaceJob(this.world, larger.buffer)));
      this.job = larger;
    }
    const local = callerWaits ? await (this.local ??= buildRolloutWorld(this.spec)) : undefined;
    const workers = local ? this.threads.length - 1 : this.threads.length;
    let threadFailed!: (err: Error) => void;
    const died = new Promise<never>((_, reject) => (threadFailed = reject));
    const holds = this.threads.slice(0, workers).map((t) => t.hold(threadFailed));
    try {
      this.job.post(request, { threads: workers, callerHelps: local !== undefined, fixedShares: !this.historyFree });
      if (local) this.job.help(local.runner);
      await Promise.race([this.job.finished(), died]);
      return this.job.result();
    } catch (err) {
      this.failure = err as Error;
      throw err;
    } finally {
      for (const end of holds) end();
    }
  }

  /** Lets go of this pool's worlds; the threads stay for the next pool. */
  async dispose(): Promise<void> {
    if (this.released) return;
    this.released = true;
    for (const t of this.threads) t.release(this.world);
    // After the last request (the queue), which may roll out on it.
    const local = this.local;
    this.local = undefined;
    if (local) await this.queue.then(() => local).then(({ world }) => world.dispose(), () => undefined);
  }
}
