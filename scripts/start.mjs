// `npm start`: the desktop studio when the Electron binary is installed, otherwise the browser studio
// (`actuate serve`, the same renderer and protocol). Arguments after `--` go to `actuate serve`,
// e.g. `npm start -- --port 9000`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** The Electron binary's path, or undefined: the `electron` package throws when its binary was never fetched. */
function electronBinary() {
  try {
    const path = require('electron');
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/** Runs a Node script from this checkout in the foreground; resolves with its exit code. */
function runNode(script, args) {
  return runProgram(process.execPath, [script, ...args]);
}

/** Runs a program in the foreground, forwarding termination signals; resolves with its exit code. */
function runProgram(program, args) {
  return new Promise((resolve) => {
    const child = spawn(program, args, { cwd: root, stdio: 'inherit' });
    // Ctrl-C reaches the child through the terminal too; forwarding covers `kill <pid of npm start>`.
    const forward = (signal) => child.exitCode === null && child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? (signal === 'SIGINT' || signal === 'SIGTERM' ? 0 : 1));
    });
  });
}

const args = process.argv.slice(2);

const electron = electronBinary();
if (electron) {
  const built = await runNode(join(root, 'scripts/desktop-build.mjs'), []);
  if (built !== 0) process.exit(built);
  process.exit(await runProgram(electron, [root, ...args]));
}

console.log(
  'Electron binary not installed (downloads are unavailable here); starting the browser studio instead — run "npm run desktop:install" to fetch Electron where downloads work.',
);
// `actuate serve` builds the studio first when it is missing or older than its sources.
process.exit(await runNode('bin/actuate.js', ['serve', ...args]));
