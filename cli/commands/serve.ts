/**
 * `actuate serve`: the studio in the browser, backed by a local engine. A random token guards it
 * unless `--no-token` (loopback only); the address printed once carries it, and opening that address
 * trades it for a cookie. Clients may open files only inside the shipped assets/ and models/ and the
 * folders given with --models, --robots and --runs (docs/security.md).
 */
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseEngine } from '../episode-options.ts';
import { EngineHost } from '../../engine/host.ts';
import { packageList, parsePackageOptions } from '../../sim/importers/resolve-path.ts';
import { startServer } from '../../engine/http-server.ts';
import { isLoopback } from '../../engine/request-policy.ts';
import { connectionLog } from '../../engine/ros-link.ts';
import { connectSessionBridges } from '../../engine/ros-session.ts';
import { serveFoxglove, type LiveFoxglove } from '../../engine/foxglove-live.ts';
import { takeRosOptions } from '../ros-options.ts';
import { UsageError } from '../usage-error.ts';
import { ensureStudioBuilt, STUDIO_DIR } from '../studio-build.ts';


export async function serveCommand(argv: string[]): Promise<void> {
  const { rest: withoutRos, ros } = takeRosOptions(argv);
  const { rest, foxglovePort } = takeFoxgloveOption(withoutRos);
  const { values } = parseArgs({
    args: rest,
    options: {
      port: { type: 'string', default: '8787' },
      host: { type: 'string', default: '127.0.0.1' },
      /** A token of your own (scripts); default: a new random one per start. Prefer ACTUATE_TOKEN: flags land in shell history. */
      token: { type: 'string' },
      'no-token': { type: 'boolean', default: false },
      static: { type: 'string' },
      /** A folder of .onnx models and .card.json cards the studio offers in its pickers (repeatable). */
      models: { type: 'string', multiple: true, default: [] },
      /** `package://` roots of robot files the studio opens, as on `robot inspect` and `run` (repeatable). */
      package: { type: 'string', multiple: true, default: [] },
      /** A folder of robot files (URDF, MJCF) clients may open (repeatable). */
      robots: { type: 'string', multiple: true, default: [] },
      /** A folder of training runs clients may open (repeatable). */
      runs: { type: 'string', multiple: true, default: [] },
      /** Records the live session from the start to this MCAP file (the studio's Record button stops it). */
      record: { type: 'string' },
      /** The physics engine of the studio's simulated robot: rapier (default) or mujoco. */
      engine: { type: 'string', default: 'rapier' },
    },
  });
  const physics = parseEngine(values.engine!);
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be 0–65535, got '${values.port}'`);
  const host = values.host!;
  const given = values.token ?? process.env.ACTUATE_TOKEN;
  if (values['no-token'] && given) throw new UsageError('--no-token and a token (--token or ACTUATE_TOKEN) contradict each other');
  if (values['no-token'] && !isLoopback(host)) {
    throw new UsageError(`--no-token is allowed only on a loopback address (127.0.0.1, localhost, ::1); binding to ${host} exposes the engine beyond this machine`);
  }
  const token = values['no-token'] ? undefined : (given ?? randomBytes(24).toString('base64url'));
  const modelDirs = values.models!.map((d) => checkFolder('--models', d, '.onnx files'));
  const robotDirs = values.robots!.map((d) => checkFolder('--robots', d, 'robot files'));
  const runDirs = values.runs!.map((d) => checkFolder('--runs', d, 'training runs'));
  if (values.static === undefined) await ensureStudioBuilt();
  let roots;
  try {
    roots = parsePackageOptions(values.package!);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const robotPackages = packageList(roots);
  // Runs started from the studio go to the first --runs folder, else to runs/ here (made on the first).
  const trainingDir = runDirs[0] ?? resolve('runs');
  const engine = await EngineHost.create({ modelDirs, robotDirs, runDirs, trainingDir, ...(robotPackages ? { robotPackages } : {}), engine: physics });
  let server;
  // The studio's live session on ROS and recorded, exactly as `run --ros1/--rosbridge/--record` does.
  let bridges: Awaited<ReturnType<typeof connectSessionBridges>> = [];
  let foxglove: LiveFoxglove | undefined;
  try {
    if (foxglovePort !== undefined) foxglove = await serveFoxglove(engine.session, { port: foxglovePort });
    if (values.record) engine.recording.start(resolve(values.record));
    // Printed, and shown in the studio's ROS panel, which may also close them.
    const logs = { ros1: connectionLog(), rosbridge: connectionLog() };
    const say = (kind: keyof typeof logs) => (m: string) => {
      process.stderr.write(`${kind}: ${m}\n`);
      logs[kind].say(m);
    };
    bridges = await connectSessionBridges(engine.session, {
      ...(ros.ros1 ? { ros1: { ...ros.ros1, onStatus: say('ros1') } } : {}),
      ...(ros.rosbridge ? { rosbridge: { ...ros.rosbridge, onStatus: say('rosbridge') } } : {}),
    });
    if (ros.ros1) engine.ros.adopt(bridges[0]!, { kind: 'ros1', url: ros.ros1.masterUri, namespace: ros.ros1.namespace, rateHz: ros.ros1.rateHz, topics: ros.ros1.topics }, logs.ros1.lines);
    if (ros.rosbridge) engine.ros.adopt(bridges.at(-1)!, { kind: 'rosbridge', url: ros.rosbridge.url, namespace: ros.rosbridge.namespace, rateHz: ros.rosbridge.rateHz, topics: ros.rosbridge.topics }, logs.rosbridge.lines);
    bridges = [];
    server = await startServer(engine, { host, port, staticDir: values.static ?? STUDIO_DIR, ...(token ? { token } : {}) });
  } catch (err) {
    for (const b of bridges) b.close();
    await foxglove?.close();
    await engine.dispose();
    throw err;
  }
  // Printed once, as Jupyter does: opening it signs this browser in (a cookie) and drops the token from the address bar.
  console.log(`Actuate studio at ${server.url}${token ? `?token=${encodeURIComponent(token)}` : ''}`);
  console.log(`  clients may open files in: ${engine.files.allowedFolders.join(', ')}`);
  const recording = engine.recording.status();
  if (recording.active) console.log(`  recording to ${recording.path}`);
  for (const c of engine.ros.status().connections) {
    console.log(`  on ROS: publishing ${c.published.map((t) => t.topic).join(', ')}; taking ${c.subscribed.map((t) => t.topic).join(', ')} (${c.url})`);
  }
  if (foxglove) console.log(`  Foxglove WebSocket at ${foxglove.url} (in Foxglove: Open connection → Foxglove WebSocket)`);
  engine.warmLoader();
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await foxglove?.close();
  await server.close();
  // Closes the ROS connections too.
  await engine.dispose();
}

/** Foxglove's own default port. */
const FOXGLOVE_PORT = 8765;

/** `--foxglove [PORT]`, taken out before parseArgs (which has no options with an optional value). */
export function takeFoxgloveOption(argv: string[]): { rest: string[]; foxglovePort?: number } {
  const rest: string[] = [];
  let port: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const next = argv[i + 1];
    if (arg === '--foxglove') {
      port = next !== undefined && /^\d+$/.test(next) ? Number(argv[++i]) : FOXGLOVE_PORT;
    } else if (arg.startsWith('--foxglove=')) {
      const value = arg.slice('--foxglove='.length);
      port = /^\d+$/.test(value) ? Number(value) : NaN;
    } else rest.push(arg);
  }
  if (port !== undefined && !(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new UsageError('--foxglove takes a port number 0–65535 (default 8765)');
  return { rest, ...(port !== undefined ? { foxglovePort: port } : {}) };
}

function checkFolder(flag: string, dir: string, holds: string): string {
  let isFolder = false;
  try {
    isFolder = statSync(dir).isDirectory();
  } catch {
    throw new UsageError(`${flag} ${dir}: no such folder`);
  }
  if (!isFolder) throw new UsageError(`${flag} ${dir}: not a folder (give the folder that holds the ${holds})`);
  return resolve(dir);
}
