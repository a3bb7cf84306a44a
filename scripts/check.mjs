// What `npm test` runs before the tests: every type check, the linter and the build, as many at once as
// the machine has cores (each is single-threaded: one after another they left a core idle for ~40 s of
// the ~80 s they take on 2 cores). Prints each one's time, and the output of any that fails.
import { spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const bin = (name) => `${ROOT}node_modules/.bin/${name}`;

/** Longest first, so the last to start is a short one. */
const CHECKS = [
  ['typecheck: engine, CLI, tests', bin('tsc'), ['-p', 'tsconfig.json']],
  ['lint', bin('eslint'), ['.']],
  ['typecheck: studio', bin('tsc'), ['-p', 'renderer/tsconfig.json']],
  ['build: studio', bin('vite'), ['build', '--config', 'renderer/vite.config.ts']],
  ['build: engine', process.execPath, ['scripts/build-engine.mjs']],
  ['typecheck: desktop', bin('tsc'), ['-p', 'electron/tsconfig.json']],
  ['typecheck: browser tests', bin('tsc'), ['-p', 'tests/browser/tsconfig.json']],
];

function run([name, command, args]) {
  const start = performance.now();
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', (err) => resolve({ name, ok: false, output: err.message, seconds: 0 }));
    child.on('close', (code) => resolve({ name, ok: code === 0, output, seconds: (performance.now() - start) / 1000 }));
  });
}

const queue = [...CHECKS];
const failed = [];
async function lane() {
  for (let check = queue.shift(); check; check = queue.shift()) {
    const result = await run(check);
    console.log(`${result.ok ? '✓' : '✗'} ${result.name} (${result.seconds.toFixed(1)} s)`);
    if (!result.ok) failed.push(result);
  }
}
await Promise.all(Array.from({ length: Math.max(1, Math.min(availableParallelism(), CHECKS.length)) }, lane));
for (const { name, output } of failed) console.error(`\n── ${name} failed ──\n${output.trim()}`);
process.exit(failed.length ? 1 : 0);
