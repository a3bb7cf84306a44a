// `npm run make` / `npm run package`: builds the desktop app (scripts/desktop-build.mjs) and packs it with
// electron-builder (electron-builder.yml): installers (AppImage + deb, dmg, NSIS) into out/installers/, or
// with `--dir` an unpacked app only. Needs the Electron binary (`npm run desktop:install`); docs/desktop.md.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function step(script, args) {
  const result = spawnSync(process.execPath, [join(root, script), ...args], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error(`make: ${script} failed (exit ${result.status ?? result.signal}); see the output above.`);
    process.exit(result.status ?? 1);
  }
}

step('scripts/desktop-build.mjs', []);
step('node_modules/electron-builder/cli.js', ['--publish', 'never', ...process.argv.slice(2)]);
