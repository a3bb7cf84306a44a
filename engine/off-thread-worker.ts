/** A worker thread of off-thread.ts: imports its job module once, then runs it on each input it is sent. */
import { parentPort, workerData } from 'node:worker_threads';

const { job } = workerData as { job: string };
const loaded = import(job) as Promise<{ run: (input: unknown) => unknown }>;
// Keep the import's failure for the first job to report, not as an unhandled rejection.
loaded.catch(() => undefined);

parentPort!.on('message', async ({ id, input }: { id: number; input: unknown }) => {
  try {
    const { run } = await loaded;
    parentPort!.postMessage({ id, ok: true, result: await run(input) });
  } catch (err) {
    // A stack overflow is the one error whose own words mean nothing to a user.
    const message = err instanceof RangeError && /call stack/.test(err.message) ? 'the file is nested too deeply to load' : (err as Error).message;
    parentPort!.postMessage({ id, ok: false, message });
  }
});
