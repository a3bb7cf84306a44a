// Starts a worker thread's module: a compiled .js (dist/) directly, a TypeScript source through tsx's loader.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
