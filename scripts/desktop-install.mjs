// Fetches the Electron binary (install scripts are off in .npmrc, so npm install does not).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const script = require.resolve('electron/install.js');
console.log('Downloading the Electron binary…');
const result = spawnSync(process.execPath, [script], { stdio: 'inherit' });
if (result.status !== 0) {
  console.error('Could not download Electron (no network access to its release host?). The browser studio still works: npm start.');
  process.exit(1);
}
console.log('Electron installed: npm start now opens the desktop studio.');
