import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

// Main process and engine entry, built by scripts/desktop-build.mjs to .vite/build/<name>.cjs. Our own code is bundled;
// every runtime dependency (native addons, WASM, tsx) stays a require() of the packaged node_modules
// (the build script adds `electron` and Node built-ins).
const root = fileURLToPath(new URL('..', import.meta.url));
const { dependencies = {} } = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
const escape = (name: string) => name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Files our modules find relative to themselves (`new URL('./rollout-worker.ts', import.meta.url)`:
 * worker threads, shipped robots) keep pointing at the same file of the packaged app, which ships those
 * folders as they are (electron-builder.yml). Without this Vite would inline them as
 * data: URLs, and a worker thread loaded from a data: URL cannot import anything relative or from
 * node_modules. The bundle sits two levels down (.vite/build), so the app root is ../../ from it.
 */
function appRelativeUrls(): Plugin {
  const pattern = /new URL\((['"])([^'"]+)\1,\s*import\.meta\.url\)/g;
  return {
    name: 'actuate:app-relative-urls',
    enforce: 'pre',
    transform(code, id) {
      if (!id.startsWith(root) || id.includes(`${sep}node_modules${sep}`) || !code.includes('import.meta.url')) return null;
      const replaced = code.replace(pattern, (_match, _quote, target: string) => {
        const fromRoot = relative(root, resolve(dirname(id), target)).split(sep).join('/') + (target.endsWith('/') ? '/' : '');
        return `new URL(${JSON.stringify(fromRoot)}, require('node:url').pathToFileURL(require('node:path').join(__dirname, '../../') + '/'))`;
      });
      return replaced === code ? null : { code: replaced, map: null };
    },
  };
}

export default defineConfig({
  plugins: [appRelativeUrls()],
  build: {
    // Regexes, not a function: the build script merges this list into its own array of externals.
    rollupOptions: { external: Object.keys(dependencies).map((name) => new RegExp(`^${escape(name)}(/.*)?$`)) },
  },
});
