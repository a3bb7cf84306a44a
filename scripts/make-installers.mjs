// `npm run make`: package the app with Electron Forge, then build installers with electron-builder.
import { spawnSync } from 'node:child_process';

const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
const step = (args) => {
  const r = spawnSync(npx, args, { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step(['electron-forge', 'package']);
step(['electron-builder', '--prepackaged', `out/Actuate-${process.platform}-${process.arch}`]);
