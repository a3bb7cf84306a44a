// Lets a worker thread run a TypeScript module: registers tsx's loader, then imports the module.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
