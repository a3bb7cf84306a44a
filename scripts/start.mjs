// `npm start`: the desktop studio when the Electron binary is installed, otherwise the browser studio.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function electronBinary() {
  try {
    const path = require('electron'); // the package returns the binary's path, or throws if it is missing
    return typeof path === 'string' && existsSync(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

function run(command, args) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (electronBinary()) {
  process.exit(await run(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['electron-forge', 'start']));
}
console.log('Electron binary not installed (it could not be downloaded here); starting the browser studio instead. Run "npm run desktop:install" where downloads work.');
if (!existsSync(`${root}/dist/renderer/index.html`)) {
  const code = await run(npm, ['run', 'build', '--silent']);
  if (code !== 0) process.exit(code);
}
process.exit(await run(process.execPath, ['bin/actuate.js', 'serve', ...process.argv.slice(2)]));
