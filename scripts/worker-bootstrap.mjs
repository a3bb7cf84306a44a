// The worker-thread bootstrap of the TypeScript sources (tests, tsx; control/worker-bootstrap.ts picks it):
// when dist/ is up to date (npm test and `actuate` build it first), a worker runs the compiled copy of its
// module instead of transforming its whole import graph again through tsx — 2–3 CPU-seconds a thread, and
// a test run starts dozens. Otherwise it hands over to the plain bootstrap, which uses tsx.
// `job` is the module an off-thread worker (engine/off-thread.ts) imports in turn.
import { workerData } from 'node:worker_threads';
import { compiledUrl } from './build-engine.mjs';

const entry = compiledUrl(workerData.entry);
const job = workerData.job && compiledUrl(workerData.job);
if (entry && (job || !workerData.job)) {
  Object.assign(workerData, { entry }, job ? { job } : {});
  await import(entry);
} else {
  await import('../control/sampling/worker-bootstrap.mjs');
}
