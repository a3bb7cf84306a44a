/**
 * The browser studio `actuate serve` serves is the Vite build in dist/renderer. Built on demand: when it
 * is missing, or older than the renderer's or the protocol's sources (after a pull), it is built first.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT, projectPath } from '../sim/project-paths.ts';

export const STUDIO_DIR = projectPath('dist/renderer');
const SOURCES = ['renderer', 'protocol'];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Why the studio must be (re)built, or undefined when dist/renderer is up to date. */
export function studioBuildReason(): string | undefined {
  const index = join(STUDIO_DIR, 'index.html');
  if (!existsSync(index)) return 'the studio is not built yet';
  const built = statSync(index).mtimeMs;
  const sources = SOURCES.map((s) => projectPath(s)).filter((s) => existsSync(s));
  return sources.some((s) => newestSource(s) > built) ? 'the studio sources changed since the last build' : undefined;
}

/** Builds the studio with Vite when it is missing or stale; rejects naming the failure. */
export async function ensureStudioBuilt(log: (line: string) => void = (line) => console.error(line)): Promise<void> {
  const reason = studioBuildReason();
  if (!reason) return;
  const vite = projectPath('node_modules/vite/bin/vite.js');
  if (!existsSync(vite)) throw new Error(`${reason}, and Vite is not installed to build it (run \`npm install\`)`);
  log(`${reason}: building it (about 20 s)…`);
  const code = await new Promise<number>((resolve) => {
    const child = spawn(process.execPath, [vite, 'build', '--config', 'renderer/vite.config.ts', '--logLevel', 'error'], { cwd: PROJECT_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (status) => resolve(status ?? 1));
  });
  if (code !== 0) throw new Error(`building the studio failed (vite exited ${code}); see the messages above`);
}
