// Compiles the engine, CLI and benchmarks (TypeScript) to dist/, one JavaScript file per source file
// in the same layout, so that `actuate` starts without transpiling at every launch. Incremental: only
// sources newer than their output are compiled again, so bin/actuate.js can call it on every start
// (a few milliseconds when nothing changed). Imports of `./x.ts` become `./x.js`; `.mjs` files are copied.
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const OUT = join(ROOT, 'dist');
/** The folders the Node side is made of (docs/architecture.md); the renderer is built by Vite. */
const FOLDERS = ['protocol', 'sim', 'models', 'control', 'train', 'bridges', 'engine', 'cli', 'bench'];

/** Relative `.ts` specifiers in import/export/import()/new URL() strings. */
const TS_SPECIFIER = /(['"])(\.{1,2}\/[^'"\n]*?)\.ts\1/g;

function* sources(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if ((entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) || entry.name.endsWith('.mjs')) yield path;
  }
}

function outputOf(source) {
  return join(OUT, relative(ROOT, source)).replace(/\.ts$/, '.js');
}

function isStale(source, output) {
  try {
    return statSync(output).mtimeMs < statSync(source).mtimeMs;
  } catch {
    return true;
  }
}

function* staleSources(force = false) {
  for (const folder of FOLDERS) {
    for (const source of sources(join(ROOT, folder))) {
      if (force || isStale(source, outputOf(source))) yield source;
    }
  }
}

/**
 * The compiled copy (a file URL) of the source module at `url` when every source's copy in dist/ is up to
 * date, else undefined: worker threads started from TypeScript sources (tests) load it instead of
 * transforming their modules again through tsx (2–3 CPU-seconds a thread).
 */
export function compiledUrl(url) {
  const output = outputOf(fileURLToPath(url));
  if (!existsSync(output) || staleSources().next().done === false) return undefined;
  return pathToFileURL(output).href;
}

/** Brings dist/ up to date; returns the number of files written. Throws with file:line on a syntax error. */
export async function buildEngine({ force = false } = {}) {
  const stale = [...staleSources(force)];
  if (stale.length === 0) return 0;
  const { transform } = await import('esbuild');
  await Promise.all(
    stale.map(async (source) => {
      const output = outputOf(source);
      mkdirSync(dirname(output), { recursive: true });
      if (source.endsWith('.mjs')) {
        copyFileSync(source, output);
        return;
      }
      const { code } = await transform(readFileSync(source, 'utf8'), {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        sourcefile: relative(ROOT, source),
        sourcemap: 'inline',
      });
      writeFileSync(output, code.replace(TS_SPECIFIER, '$1$2.js$1'));
    }),
  );
  return stale.length;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const count = await buildEngine({ force: process.argv.includes('--force') });
  console.log(`dist/: ${count} file${count === 1 ? '' : 's'} compiled in ${Math.round(performance.now() - started)} ms`);
}
