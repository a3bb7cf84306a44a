/**
 * Runs job modules in worker threads, off the engine's event loop, so the session keeps stepping and
 * streaming frames to every client while a big file is read and parsed. Each job has a time limit
 * and its thread a heap limit: a hostile or broken file ends its own thread, never the engine. A job
 * started in a `slot` stops one still running there (the newer request supersedes it).
 *
 * A thread stays warm between jobs of its module (starting one and importing the parsers costs
 * seconds on a busy machine); a job that is stopped takes its thread with it, and the next job starts
 * a fresh one. A job module exports `run(input)`; its result crosses back by structured clone.
 */
import { Worker } from 'node:worker_threads';
import { WORKER_BOOTSTRAP } from '../control/worker-bootstrap.ts';

const ENTRY = new URL('./off-thread-worker.ts', import.meta.url).href;

export interface OffThreadLimits {
  /** A job still running after this long is stopped. */
  timeoutMs: number;
  /** Heap of the job's thread, MB. */
  heapMb: number;
}

export class OffThreadError extends Error {
  override name = 'OffThreadError';
}

type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

interface JobThread {
  worker: Worker;
  heapMb: number;
  /** Settles the job in progress, if any, when the thread fails. */
  fail?: (err: Error) => void;
}

export class OffThreadRunner {
  private readonly threads = new Map<string, JobThread>();
  private readonly running = new Map<string, (reason: string) => void>();
  private nextId = 1;

  /** Starts the thread of `job` ahead of its first use, so the first request is as quick as the next. */
  warm(job: URL, heapMb: number): void {
    this.thread(job, heapMb);
  }

  /**
   * Runs `job` (a module URL) on `input`; `what` names the work in errors ("loading /x/robot.urdf").
   * A job in the same `slot` still running is stopped with "… was asked for instead".
   */
  run<T>(job: URL, input: unknown, what: string, limits: OffThreadLimits, slot?: string): Promise<T> {
    if (slot) this.running.get(slot)?.(`${what} was asked for instead`);
    const thread = this.thread(job, limits.heapMb);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        thread.worker.off('message', onMessage);
        thread.fail = undefined;
        if (slot && this.running.get(slot) === cancel) this.running.delete(slot);
        thread.worker.unref();
        action();
      };
      const cancel = (reason: string) => {
        this.stop(job); // the only way to interrupt synchronous parsing
        finish(() => reject(new OffThreadError(`${what} stopped: ${reason}`)));
      };
      const onMessage = (reply: Reply) => {
        if (reply.id === id) finish(() => (reply.ok ? resolve(reply.result as T) : reject(new OffThreadError(reply.message))));
      };
      const timer = setTimeout(() => cancel(`it took longer than ${Math.round(limits.timeoutMs / 1000)} s`), limits.timeoutMs);
      if (slot) this.running.set(slot, cancel);
      thread.fail = (err) => finish(() => reject(new OffThreadError(`${what} failed: ${err.message}`)));
      thread.worker.on('message', onMessage);
      thread.worker.ref();
      thread.worker.postMessage({ id, input });
    });
  }

  private thread(job: URL, heapMb: number): JobThread {
    const existing = this.threads.get(job.href);
    if (existing && existing.heapMb === heapMb) return existing;
    if (existing) this.stop(job);
    const worker = new Worker(WORKER_BOOTSTRAP, {
      workerData: { entry: ENTRY, job: job.href },
      // Deep (not looping) robot trees recurse in urdf-loader: room for the stack, a bound on the heap.
      resourceLimits: { maxOldGenerationSizeMb: heapMb, stackSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    const thread: JobThread = { worker, heapMb };
    const gone = (err: Error) => {
      if (this.threads.get(job.href) === thread) this.threads.delete(job.href);
      thread.fail?.(err);
    };
    worker.on('error', (err: Error & { code?: string }) =>
      gone(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? new Error(`it needs more than ${heapMb} MB of memory`) : err),
    );
    worker.on('exit', (code) => gone(new Error(`its thread exited (code ${code})`)));
    worker.unref();
    this.threads.set(job.href, thread);
    return thread;
  }

  private stop(job: URL): void {
    const thread = this.threads.get(job.href);
    if (!thread) return;
    this.threads.delete(job.href);
    void thread.worker.terminate();
  }

  /** Stops every job and thread (the engine is shutting down). */
  dispose(): void {
    for (const cancel of [...this.running.values()]) cancel('the engine is shutting down');
    for (const href of [...this.threads.keys()]) this.stop(new URL(href));
  }
}
