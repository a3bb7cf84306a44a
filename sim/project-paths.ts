/**
 * Paths of the checkout's own files (robots, models, the built studio), found from this module whether it
 * runs from source (`sim/`) or compiled (`dist/sim/`): the only place that knows the two layouts.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  const parent = dirname(dirname(fileURLToPath(import.meta.url)));
  return existsSync(join(parent, 'package.json')) ? parent : dirname(parent);
}

/** The repository (or installed app) root: the folder holding package.json, assets/ and models/. */
export const PROJECT_ROOT = findRoot();

export function projectPath(...parts: string[]): string {
  return join(PROJECT_ROOT, ...parts);
}
