/**
 * ROS 1 JointState over TCPROS on loopback, as the bridge sends it: one node publishes a 12-joint
 * sensor_msgs/JointState at 500 Hz (header.stamp = send time), a second node in this process
 * subscribes. Reports the rate achieved and the publish → receive latency (p50, p99). The master is
 * Debian's roscore, started for the run (registration only: TCPROS data goes node to node).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { RosMasterClient } from '@foxglove/ros1';
import { Ros1Node } from '../../bridges/ros1/ros1-node.ts';
import { rosTime } from '../../bridges/ros1/ros1-messages.ts';
import { round, type BenchSuite } from '../result.ts';

const RATE_HZ = 500;
const SECONDS = 6;
const JOINTS = 12;

export const ros1Loopback: BenchSuite = {
  name: 'ros1-loopback',
  async run() {
    const master = await startRoscore();
    const masterUri = master.uri;
    const publisher = await Ros1Node.start({ masterUri, name: '/bench_pub' });
    const subscriber = await Ros1Node.start({ masterUri, name: '/bench_sub' });
    try {
      await publisher.advertise('/joint_states', 'sensor_msgs/JointState');
      const latenciesMs: number[] = [];
      let received = 0;
      subscriber.subscribe('/joint_states', 'sensor_msgs/JointState', (m) => {
        const { sec, nsec } = (m as { header: { stamp: { sec: number; nsec: number } } }).header.stamp;
        latenciesMs.push((performance.timeOrigin + performance.now()) - (sec * 1000 + nsec / 1e6));
        received++;
      });
      const deadline = Date.now() + 20_000;
      while (publisher.subscriberCount('/joint_states') === 0) {
        if (Date.now() > deadline) throw new Error('the subscriber never connected');
        await new Promise((r) => setTimeout(r, 20));
      }
      const names = Array.from({ length: JOINTS }, (_, i) => `joint_${i}`);
      const message = (seq: number) => ({
        header: { seq, stamp: rosTime((performance.timeOrigin + performance.now()) / 1000), frame_id: '' },
        name: names,
        position: Float64Array.from(names, (_, i) => Math.sin(seq / 100 + i)),
        velocity: new Float64Array(JOINTS),
        effort: new Float64Array(0),
      });
      // Drift-free schedule: message k goes at t0 + k / rate.
      const total = RATE_HZ * SECONDS;
      const t0 = performance.now();
      for (let k = 0; k < total; k++) {
        const wait = t0 + (k * 1000) / RATE_HZ - performance.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
        publisher.publish('/joint_states', message(k));
      }
      const sendSeconds = (performance.now() - t0) / 1000;
      await new Promise((r) => setTimeout(r, 500));
      const sorted = latenciesMs.sort((a, b) => a - b);
      const pct = (p: number) => round(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN, 3);
      const details = { targetHz: RATE_HZ, joints: JOINTS, seconds: SECONDS, sent: total, received, master: 'Debian roscore' };
      return [
        { name: 'ros1-jointstate-publish-hz', value: round(total / sendSeconds, 1), unit: 'Hz', target: `>= ${RATE_HZ * 0.95}`, details },
        { name: 'ros1-jointstate-received-fraction', value: round(received / total, 4), unit: 'fraction', target: '>= 0.99', details },
        { name: 'ros1-jointstate-latency-p50', value: pct(50), unit: 'ms', details },
        { name: 'ros1-jointstate-latency-p99', value: pct(99), unit: 'ms', details },
      ];
    } finally {
      subscriber.close();
      publisher.close();
      await master.stop();
    }
  },
};

/** Debian's roscore on a free port (not node_modules/.bin/roscore, @foxglove/ros1's, which ignores -p). */
async function startRoscore(): Promise<{ uri: string; stop(): Promise<void> }> {
  const PATH = (process.env.PATH ?? '').split(delimiter).filter((d) => !d.includes('node_modules')).join(delimiter);
  const roscore = spawnSync('sh', ['-c', 'command -v roscore'], { encoding: 'utf8', env: { ...process.env, PATH } }).stdout.trim();
  if (!roscore) throw new Error('ros1-loopback needs Debian\'s roscore: apt-get install ros-core');
  const port = 12_000 + (process.pid % 1000);
  const uri = `http://127.0.0.1:${port}/`;
  const home = mkdtempSync(join(tmpdir(), 'actuate-bench-ros-'));
  const child = spawn(roscore, ['-p', String(port)], { env: { ...process.env, PATH, ROS_MASTER_URI: uri, ROS_IP: '127.0.0.1', ROS_HOME: home }, stdio: 'ignore', detached: true });
  const client = new RosMasterClient(uri);
  const deadline = Date.now() + 60_000;
  while (!(await client.getUri('/bench').then(() => true, () => false))) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`roscore did not start on port ${port}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    uri,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        process.kill(-child.pid!, 'SIGINT');
        const kill = setTimeout(() => child.exitCode === null && process.kill(-child.pid!, 'SIGKILL'), 15_000);
        await exited;
        clearTimeout(kill);
      }
      rmSync(home, { recursive: true, force: true });
    },
  };
}
