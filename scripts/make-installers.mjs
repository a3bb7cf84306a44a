// `npm run make`: packages the app with Electron Forge (Vite builds + packager, forge.config.ts), then
// wraps that package into installers with electron-builder (electron-builder.yml: AppImage + deb, dmg,
// NSIS) in out/installers/. Needs the Electron binary and Node >= 22.13 (Forge 8); see docs/desktop.md.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function step(script, args) {
  const result = spawnSync(process.execPath, [join(root, 'node_modules', script), ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`make: ${script.split('/')[0]} failed (exit ${result.status ?? result.signal}); see the output above.`);
    process.exit(result.status ?? 1);
  }
}

step('@electron-forge/cli/dist/electron-forge.js', ['package']);
step('electron-builder/cli.js', ['--prepackaged', join('out', `Actuate-${process.platform}-${process.arch}`), '--publish', 'never', ...process.argv.slice(2)]);
