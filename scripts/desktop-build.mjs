// Builds the desktop app into .vite/ with Vite (what Electron Forge's Vite plugin did, without Forge:
// Forge 8 needs Node >= 22.13 and Forge 7's install pulls node-gyp from a Git URL — see docs/desktop.md):
//   electron/main.ts          → .vite/build/main.cjs            (package.json "main")
//   engine/electron-entry.ts  → .vite/build/electron-entry.cjs  (the engine's utility process)
//   electron/preload.ts       → .vite/build/preload.cjs         (sandboxed preloads must be CommonJS)
//   the studio                → .vite/renderer/main_window/
// `--dev-server URL` builds the main process to load the studio from a running Vite dev server instead.
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, loadConfigFromFile, mergeConfig } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
const node = ['electron', /^electron\/.+/, ...builtinModules.flatMap((m) => [m, `node:${m}`])];

/** One CommonJS bundle for Electron's Node side, on top of the entry's own Vite config. */
async function buildNodeEntry(entry, configFile, define = {}) {
  const { config: own } = await loadConfigFromFile({ command: 'build', mode: 'production' }, join(root, configFile), root, 'silent');
  const ownExternal = own.build?.rollupOptions?.external ?? [];
  await build(
    mergeConfig(own, {
      configFile: false,
      root,
      logLevel: 'error',
      define,
      resolve: { conditions: ['node'], mainFields: ['module', 'jsonc', 'json', 'main'] },
      build: {
        outDir: '.vite/build',
        emptyOutDir: false,
        minify: false,
        lib: { entry, formats: ['cjs'], fileName: (_format, name) => `${name}.cjs` },
        rollupOptions: { external: [...node, ...(Array.isArray(ownExternal) ? ownExternal : [ownExternal])] },
      },
    }),
  );
}

const at = process.argv.indexOf('--dev-server');
const devServer = at > 0 ? process.argv[at + 1] : undefined;
const windowDefines = {
  MAIN_WINDOW_VITE_DEV_SERVER_URL: devServer ? JSON.stringify(devServer) : 'undefined',
  MAIN_WINDOW_VITE_NAME: JSON.stringify('main_window'),
};

await buildNodeEntry('electron/main.ts', 'electron/vite.main.config.ts', windowDefines);
await buildNodeEntry('engine/electron-entry.ts', 'electron/vite.main.config.ts');
await buildNodeEntry('electron/preload.ts', 'electron/vite.preload.config.ts');
await build({ configFile: join(root, 'electron/vite.renderer.config.ts'), logLevel: 'error' });
console.log('desktop app built in .vite/ (main.cjs, electron-entry.cjs, preload.cjs, renderer/main_window)');
