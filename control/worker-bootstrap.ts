/**
 * The module every worker thread of ours starts with (sampling/worker-bootstrap.mjs): it runs a compiled
 * entry as it is and a TypeScript one through tsx. A URL relative to this file, so it holds in dist/ too.
 */
export const WORKER_BOOTSTRAP = new URL('./sampling/worker-bootstrap.mjs', import.meta.url);
