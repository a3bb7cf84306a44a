// `npm run desktop:install`: fetches the Electron binary by running Electron's own install script,
// which `npm install` skips because install scripts are off in .npmrc.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const script = join(root, 'node_modules/electron/install.js');

console.log('Downloading the Electron binary (from github.com, or ELECTRON_MIRROR if set)…');
const result = spawnSync(process.execPath, [script], { cwd: join(root, 'node_modules/electron'), stdio: 'inherit' });
if (result.status !== 0) {
  console.error(
    'Could not install Electron: its download failed (see above; no access to github.com or ELECTRON_MIRROR?). The browser studio works without it: npm start.',
  );
  process.exit(1);
}
console.log('Electron installed: npm start now opens the desktop studio.');
