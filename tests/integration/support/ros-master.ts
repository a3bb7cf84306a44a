/**
 * Test support: Debian's roscore on a port of this test process's own, started and stopped on demand,
 * with the environment ROS tools need and a bounded way to run them. Skipped tests say how to install.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RosMasterClient } from '@foxglove/ros1';

/** Debian's roscore, not the JavaScript one @foxglove/ros1 puts in node_modules/.bin (it ignores -p). */
const SYSTEM_PATH = (process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('node_modules')).join(delimiter);
const ROSCORE = spawnSync('sh', ['-c', 'command -v roscore'], { encoding: 'utf8', env: { ...process.env, PATH: SYSTEM_PATH } }).stdout.trim();
export const HAVE_ROS = ROSCORE !== '' && spawnSync('sh', ['-c', 'command -v rostopic'], { env: { ...process.env, PATH: SYSTEM_PATH } }).status === 0;

export async function until<T>(what: string, seconds: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface RosMaster {
  uri: string;
  /** PATH without node_modules, ROS_MASTER_URI, ROS_IP, ROS_HOME: what rostopic and rospy need. */
  env: NodeJS.ProcessEnv;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Stops the master and removes its ROS_HOME (KEEP_ROS_HOME=1 keeps it for a look). */
  dispose(): Promise<void>;
  /** Runs a ROS command line tool with a bounded time; resolves with its output. */
  run(args: string[], seconds: number): Promise<string>;
}

/** A roscore on its own port: `offset` keeps test files that run at once apart. */
export function rosMaster(offset: number): RosMaster {
  const port = 11_500 + offset * 400 + (process.pid % 400);
  const uri = `http://127.0.0.1:${port}`;
  const home = mkdtempSync(join(tmpdir(), 'actuate-ros1-'));
  const env = { ...process.env, PATH: SYSTEM_PATH, ROS_MASTER_URI: uri, ROS_IP: '127.0.0.1', ROS_HOME: home, PYTHONUNBUFFERED: '1' };
  let roscore: ChildProcess | undefined;
  const master: RosMaster = {
    uri,
    env,
    async start() {
      const log = openSync(join(home, 'roscore.log'), 'a');
      roscore = spawn(ROSCORE, ['-p', String(port)], { env, stdio: ['ignore', log, log], detached: true });
      closeSync(log);
      const client = new RosMasterClient(uri);
      let last = '';
      await until('roscore to answer', 60, () => client.getUri('/probe').then(() => true, (err: Error) => void (last = err.message))).catch((err: Error) => {
        throw new Error(`${err.message} (${last}); roscore log:\n${readFileSync(join(home, 'roscore.log'), 'utf8').slice(-2000)}`);
      });
    },
    async stop() {
      const core = roscore;
      roscore = undefined;
      if (!core?.pid || core.exitCode !== null) return;
      const exited = new Promise((r) => core.once('exit', r));
      process.kill(-core.pid, 'SIGINT');
      const timer = setTimeout(() => core.exitCode === null && process.kill(-core.pid!, 'SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
    async dispose() {
      await master.stop();
      if (!process.env.KEEP_ROS_HOME) rmSync(home, { recursive: true, force: true });
    },
    run(args, seconds) {
      return new Promise((resolve) => {
        const p = spawn('timeout', [String(seconds), ...args], { env });
        let out = '';
        p.stdout.on('data', (d: Buffer) => (out += d.toString()));
        p.stderr.on('data', (d: Buffer) => (out += d.toString()));
        p.on('exit', () => resolve(out));
      });
    },
  };
  return master;
}
