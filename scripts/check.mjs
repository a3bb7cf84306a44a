// The type checks, the linter and the builds, as many at once as the machine has cores (each is
// single-threaded: one after another they left a core idle for ~40 s of the ~80 s they take on 2 cores).
// Prints each one's time, and the output of any that fails. `npm test` (scripts/test.mjs) runs the builds
// first and the checks beside the tests.
import { spawn } from 'node:child_process';
import { availableParallelism, setPriority } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${ROOT}node_modules/.bin/${name}`;

/** What the tests load: the studio (browser tests) and the compiled engine (the CLI). */
export const BUILDS = [
  ['build: studio', bin('vite'), ['build', '--config', 'renderer/vite.config.ts']],
  ['build: engine', process.execPath, ['scripts/build-engine.mjs']],
];

/** Longest first, so the last to start is a short one. */
export const CHECKS = [
  ['typecheck: engine, CLI, tests', bin('tsc'), ['-p', 'tsconfig.json']],
  ['lint', bin('eslint'), ['.']],
  ['typecheck: studio', bin('tsc'), ['-p', 'renderer/tsconfig.json']],
  ['typecheck: desktop', bin('tsc'), ['-p', 'electron/tsconfig.json']],
  ['typecheck: browser tests', bin('tsc'), ['-p', 'tests/browser/tsconfig.json']],
];

function run([name, command, args], niceness) {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    if (niceness) setPriority(child.pid, niceness);
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ name, ok: false, output: err.message, seconds: 0 }));
    child.on('close', (code) => resolve({ name, ok: code === 0, output, seconds: (performance.now() - start) / 1000 }));
  });
}

/**
 * Runs `checks` on `lanes` lanes at `niceness` (0: as this process) and resolves with every result, in
 * the order they finished. `onResult` sees each as it finishes.
 */
export async function runChecks(checks, { lanes = availableParallelism(), niceness = 0, onResult = () => {} } = {}) {
  const queue = [...checks];
  const results = [];
  async function lane() {
    for (let check = queue.shift(); check; check = queue.shift()) {
      const result = await run(check, niceness);
      results.push(result);
      onResult(result);
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(lanes, checks.length)) }, lane));
  return results;
}

export const describeResult = (r) => `${r.ok ? '✓' : '✗'} ${r.name} (${r.seconds.toFixed(1)} s)`;

/** Prints the output of every failed check; true when none failed. */
export function reportFailures(results) {
  const failed = results.filter((r) => !r.ok);
  for (const { name, output } of failed) console.error(`\n── ${name} failed ──\n${output.trim()}`);
  return failed.length === 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  // Longest first across both lists: the two long checks, the builds, then the short checks.
  const results = await runChecks([...CHECKS.slice(0, 2), ...BUILDS, ...CHECKS.slice(2)], { onResult: (r) => console.log(describeResult(r)) });
  process.exit(reportFailures(results) ? 0 : 1);
}
