#!/usr/bin/env node
// The `actuate` command. Runs the compiled engine in dist/, first compiling whatever source changed since
// the last start (scripts/build-engine.mjs: a few milliseconds when nothing did). Where dist/ cannot be
// written or esbuild is not installed, it transpiles at start with tsx instead (slower, same behaviour).
let main;
try {
  const { buildEngine } = await import('../scripts/build-engine.mjs');
  await buildEngine();
  ({ main } = await import('../dist/cli/main.js'));
} catch (err) {
  if (Array.isArray(err?.errors)) {
    // esbuild's own message names the file, line and column of the syntax error.
    console.error(`actuate: cannot compile the engine:\n${err.message}`);
    process.exit(1);
  }
  const { register } = await import('tsx/esm/api');
  register();
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv.slice(2));
