/**
 * Runs one job module in a worker thread, off the engine's event loop, so the session keeps stepping
 * and streaming frames to every client while a big file is read and parsed. A job has a time limit
 * and a heap limit: a hostile or broken file ends its own thread, never the engine. A job started
 * under a `slot` name replaces one still running in that slot (the newer request supersedes it).
 *
 * A job module exports `run(input)`; its result crosses back by structured clone.
 */
import { Worker } from 'node:worker_threads';

const BOOTSTRAP = new URL('../control/sampling/worker-bootstrap.mjs', import.meta.url);
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

type Reply = { ok: true; result: unknown } | { ok: false; message: string };

export class OffThreadRunner {
  private readonly running = new Map<string, (reason: string) => void>();

  /**
   * Runs `job` (a module URL) on `input`; `what` names the work in errors ("loading /x/robot.urdf").
   * A job in the same `slot` still running is stopped with "… was asked for instead".
   */
  run<T>(job: URL, input: unknown, what: string, limits: OffThreadLimits, slot?: string): Promise<T> {
    if (slot) this.running.get(slot)?.(`${what} was asked for instead`);
    const worker = new Worker(BOOTSTRAP, {
      workerData: { entry: ENTRY, job: job.href, input },
      // Deep (not looping) robot trees recurse in urdf-loader: room for the stack, a bound on the heap.
      resourceLimits: { maxOldGenerationSizeMb: limits.heapMb, stackSizeMb: 64 },
      stdout: false,
      stderr: false,
    });
    return new Promise<T>((resolve, reject) => {
      let settled = false;
      const finish = (action: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (slot && this.running.get(slot) === cancel) this.running.delete(slot);
        void worker.terminate();
        action();
      };
      const cancel = (reason: string) => finish(() => reject(new OffThreadError(`${what} stopped: ${reason}`)));
      const timer = setTimeout(() => cancel(`it took longer than ${Math.round(limits.timeoutMs / 1000)} s`), limits.timeoutMs);
      if (slot) this.running.set(slot, cancel);
      worker.once('message', (reply: Reply) => finish(() => (reply.ok ? resolve(reply.result as T) : reject(new OffThreadError(reply.message)))));
      worker.once('error', (err: Error & { code?: string }) =>
        finish(() => reject(new OffThreadError(err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `${what} needs more than ${limits.heapMb} MB of memory` : `${what} failed: ${err.message}`))),
      );
      worker.once('exit', (code) => cancel(`its thread exited (code ${code})`));
    });
  }

  /** Stops every job (the engine is shutting down). */
  dispose(): void {
    for (const cancel of [...this.running.values()]) cancel('the engine is shutting down');
  }
}
