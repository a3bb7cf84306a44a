/**
 * ROS 1 against a real master (Debian's ros-core, installed by .ci/run): the simulated Go2-W run by its
 * policy publishes joint states that `rostopic` sees at the configured rate; `rostopic pub` of a Twist
 * changes its commanded velocity and it drives; when the Twist stops it holds; a joint command moves
 * the SO-101; the master killed mid-run is reported, the session runs on, and a new master gets
 * everything registered again.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RosMasterClient } from '@foxglove/ros1';
import { Session } from '../../engine/session.ts';
import { connectSessionToRos1 } from '../../engine/ros-session.ts';
import { bodyPosition } from '../../sim/kinematics.ts';

/** Debian's roscore, not the JavaScript one @foxglove/ros1 puts in node_modules/.bin (it ignores -p). */
const SYSTEM_PATH = (process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('node_modules')).join(delimiter);
const ROSCORE = spawnSync('sh', ['-c', 'command -v roscore'], { encoding: 'utf8', env: { ...process.env, PATH: SYSTEM_PATH } }).stdout.trim();
const HAVE_ROS = ROSCORE !== '' && spawnSync('sh', ['-c', 'command -v rostopic'], { env: { ...process.env, PATH: SYSTEM_PATH } }).status === 0;
if (!HAVE_ROS) console.warn('ros1.test.ts skipped: roscore/rostopic not installed (apt-get install ros-core python3-rospy python3-rostopic; .ci/run does this)');

const PORT = 11_500 + (process.pid % 400);
const MASTER = `http://127.0.0.1:${PORT}`;
const home = mkdtempSync(join(tmpdir(), 'actuate-ros1-'));
const rosEnv = { ...process.env, PATH: SYSTEM_PATH, ROS_MASTER_URI: MASTER, ROS_IP: '127.0.0.1', ROS_HOME: home, PYTHONUNBUFFERED: '1' };
let roscore: ChildProcess | undefined;

async function until<T>(what: string, seconds: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${seconds} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startMaster(): Promise<void> {
  const log = openSync(join(home, 'roscore.log'), 'a');
  roscore = spawn(ROSCORE, ['-p', String(PORT)], { env: rosEnv, stdio: ['ignore', log, log], detached: true });
  closeSync(log);
  const client = new RosMasterClient(MASTER);
  let last = '';
  await until('roscore to answer', 60, () => client.getUri('/probe').then(() => true, (err: Error) => void (last = err.message))).catch((err: Error) => {
    throw new Error(`${err.message} (${last}); roscore log:\n${readFileSync(join(home, 'roscore.log'), 'utf8').slice(-2000)}`);
  });
}

async function stopMaster(): Promise<void> {
  const core = roscore;
  roscore = undefined;
  if (!core?.pid || core.exitCode !== null) return;
  const exited = new Promise((r) => core.once('exit', r));
  process.kill(-core.pid, 'SIGINT');
  const timer = setTimeout(() => core.exitCode === null && process.kill(-core.pid!, 'SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

/** Runs a ROS command line tool with a bounded time; resolves with its stdout. */
function ros(args: string[], seconds: number): Promise<string> {
  return new Promise((resolve) => {
    const p = spawn('timeout', [String(seconds), ...args], { env: rosEnv });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', () => resolve(out));
  });
}

describe.skipIf(!HAVE_ROS)('ROS 1 bridge against a real roscore', () => {
  beforeAll(startMaster, 90_000);
  afterAll(async () => {
    await stopMaster();
    if (!process.env.KEEP_ROS_HOME) rmSync(home, { recursive: true, force: true });
  }, 30_000);

  it('publishes joint states rostopic sees at the set rate; a Twist drives the Go2-W, its absence holds; a lost master is reported and a new one re-registers', async () => {
    const session = await Session.create({ taskId: 'go2w-walk', controllerId: 'onnx-policy', seed: 0 });
    const status: string[] = [];
    const bridge = await connectSessionToRos1(session, { masterUri: MASTER, rateHz: 25, commandTimeout: 0.5, onStatus: (m) => status.push(m) });
    try {
      session.play();
      await until('the connected report', 20, () => status.some((s) => s.startsWith('connected')));

      const echo = await ros(['rostopic', 'echo', '-n', '1', '/joint_states'], 30);
      expect(echo).toContain('FL_hip_joint');
      expect(echo).toMatch(/position: \[-?\d/);
      const hz = await ros(['rostopic', 'hz', '-w', '50', '/joint_states'], 20);
      const rates = [...hz.matchAll(/average rate: ([\d.]+)/g)].map((m) => Number(m[1]));
      expect(rates.length, hz).toBeGreaterThan(0);
      expect(rates.at(-1)!).toBeGreaterThan(25 * 0.8);
      expect(rates.at(-1)!).toBeLessThan(25 * 1.2);
      expect(await ros(['rostopic', 'echo', '-n', '1', '/odom/child_frame_id'], 20)).toContain('base');

      // A Twist at 10 Hz: the policy's command follows and the robot drives forward.
      const x0 = bodyPosition(session.currentState(), 0)[0];
      const pub = spawn('rostopic', ['pub', '-r', '10', '/cmd_vel', 'geometry_msgs/Twist', '{linear: {x: 0.5, y: 0.0, z: 0.0}, angular: {x: 0.0, y: 0.0, z: 0.0}}'], { env: rosEnv, stdio: 'ignore' });
      try {
        await until('vx = 0.5 from cmd_vel', 30, () => session.snapshot().task.values.vx === 0.5);
        await new Promise((r) => setTimeout(r, 3000));
      } finally {
        pub.kill('SIGINT');
      }
      expect(bodyPosition(session.currentState(), 0)[0] - x0).toBeGreaterThan(0.5);
      // No Twist for longer than the timeout: the command goes back to zero and the robot holds.
      await until('vx back to 0', 10, () => session.snapshot().task.values.vx === 0);
      expect(status.some((s) => /no velocity command .* holding/.test(s))).toBe(true);

      // The master dies: reported, the session runs on; a new master gets our publications again.
      await stopMaster();
      await until('the master-lost report', 15, () => status.some((s) => s.startsWith('lost the ROS master')));
      const t = session.simTime;
      await new Promise((r) => setTimeout(r, 1000));
      expect(session.simTime).toBeGreaterThan(t);
      expect(session.snapshot().error).toBeUndefined();
      await startMaster();
      await until('reconnected', 20, () => status.filter((s) => s.startsWith('connected')).length >= 2);
      expect(await ros(['rostopic', 'echo', '-n', '1', '/joint_states/name'], 30)).toContain('FL_hip_joint');
    } finally {
      bridge.close();
      session.pause();
      await session.dispose();
    }
  });

  it('moves the simulated SO-101 on a joint command (std_msgs/Float64MultiArray, one value per actuator)', async () => {
    const session = await Session.create({ taskId: 'so101-reach', controllerId: 'jog', seed: 0 });
    const bridge = await connectSessionToRos1(session, { masterUri: MASTER, namespace: 'arm', rateHz: 10 });
    try {
      session.play();
      const actuators = session.task.scene.actuators;
      const target = actuators.map((a, i) => (i === 0 ? Math.min(a.ctrlRange[1], 0.8) : session.snapshot().controller.values[a.name] as number));
      const pub = spawn('rostopic', ['pub', '-r', '5', '/arm/joint_commands', 'std_msgs/Float64MultiArray', JSON.stringify({ layout: { dim: [], data_offset: 0 }, data: target })], { env: rosEnv, stdio: 'ignore' });
      try {
        await until(`${actuators[0]!.name} = ${target[0]}`, 30, () => session.snapshot().controller.values[actuators[0]!.name] === target[0]);
      } finally {
        pub.kill('SIGINT');
      }
      // The servo follows: the joint's published position approaches the target.
      const joint = session.task.scene.joints[actuators[0]!.joint]!.name;
      await until(`${joint} near ${target[0]}`, 45, async () => {
        const out = await ros(['rostopic', 'echo', '-n', '1', '/arm/joint_states'], 10);
        const names = /name: \n((?:\s+- .+\n)+)/.exec(out)?.[1]?.match(/- (.+)/g)?.map((n) => n.slice(2)) ?? [];
        const pos = /position: \[([^\]]*)\]/.exec(out)?.[1]?.split(',').map(Number) ?? [];
        const q = pos[names.indexOf(joint)];
        return q !== undefined && Math.abs(q - target[0]!) < 0.1 ? true : undefined;
      });
    } finally {
      bridge.close();
      session.pause();
      await session.dispose();
    }
  });
});
