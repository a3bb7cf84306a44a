/** A worker thread of off-thread.ts: imports the job module, runs it on the input, posts the result or the error. */
import { parentPort, workerData } from 'node:worker_threads';

const { job, input } = workerData as { job: string; input: unknown };
try {
  const { run } = (await import(job)) as { run: (input: unknown) => unknown };
  parentPort!.postMessage({ ok: true, result: await run(input) });
} catch (err) {
  // A stack overflow is the one error whose own words mean nothing to a user.
  const message = err instanceof RangeError && /call stack/.test(err.message) ? 'the file is nested too deeply to load' : (err as Error).message;
  parentPort!.postMessage({ ok: false, message });
}
