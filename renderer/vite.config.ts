import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

// The studio UI: the same build is loaded by Electron (file://, hence the relative base) and served
// by `actuate serve`.
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
  },
  esbuild: { jsx: 'automatic' },
  logLevel: 'error',
});
