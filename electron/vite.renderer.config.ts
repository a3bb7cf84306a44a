import { fileURLToPath } from 'node:url';
import { defineConfig, mergeConfig } from 'vite';
import studio from '../renderer/vite.config.ts';

// The studio's own config builds to dist/renderer for `actuate serve`. Inside the desktop app scripts/desktop-build.mjs
// puts it in .vite/renderer/<name>, where electron/main.ts loads it from, so only outDir changes.
export default defineConfig(
  mergeConfig(studio, {
    build: { outDir: fileURLToPath(new URL('../.vite/renderer/main_window', import.meta.url)) },
  }),
);
