/**
 * The module every worker thread of ours starts with. Compiled (dist/), sampling/worker-bootstrap.mjs: it
 * runs a compiled entry as it is and a TypeScript one through tsx. From the TypeScript sources (tests),
 * scripts/worker-bootstrap.mjs, which runs dist/'s compiled copy of the entry while dist/ is up to date.
 */
import { pathToFileURL } from 'node:url';
import { projectPath } from '../sim/project-paths.ts';

export const WORKER_BOOTSTRAP = import.meta.url.endsWith('.ts') ? pathToFileURL(projectPath('scripts/worker-bootstrap.mjs')) : new URL('./sampling/worker-bootstrap.mjs', import.meta.url);
