/** `actuate serve`: the studio in the browser, backed by a local engine. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { EngineHost } from '../../engine/host.ts';
import { packageList, parsePackageOptions } from '../../sim/importers/resolve-path.ts';
import { startServer } from '../../engine/http-server.ts';
import { UsageError } from '../usage-error.ts';
import { ensureStudioBuilt, STUDIO_DIR } from '../studio-build.ts';


export async function serveCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      token: { type: 'string' },
      static: { type: 'string' },
      /** A folder of .onnx models and .card.json cards the studio offers in its pickers (repeatable). */
      models: { type: 'string', multiple: true, default: [] },
      /** `package://` roots of robot files the studio opens, as on `robot inspect` and `run` (repeatable). */
      package: { type: 'string', multiple: true, default: [] },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got '${values.port}'`);
  const token = values.token ?? process.env.ACTUATE_TOKEN;
  const modelDirs = values.models!.map(checkFolder);
  if (values.static === undefined) await ensureStudioBuilt();
  let roots;
  try {
    roots = parsePackageOptions(values.package!);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const robotPackages = packageList(roots);
  const engine = await EngineHost.create({ modelDirs, ...(robotPackages ? { robotPackages } : {}) });
  let server;
  try {
    server = await startServer(engine, { host: values.host!, port, staticDir: values.static ?? STUDIO_DIR, ...(token ? { token } : {}) });
  } catch (err) {
    await engine.dispose();
    throw err;
  }
  console.log(`Actuate studio at ${server.url}${token ? `?token=${encodeURIComponent(token)}` : ''}`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await server.close();
  await engine.dispose();
}

function checkFolder(dir: string): string {
  let isFolder = false;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`--models ${dir}: no such folder`);
  }
  if (!isFolder) throw new UsageError(`--models ${dir}: not a folder (give the folder that holds the .onnx files)`);
  return resolve(dir);
}
