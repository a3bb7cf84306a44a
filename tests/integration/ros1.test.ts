/**
 * ROS 1 against a real master (Debian's ros-core, installed by .ci/run): the simulated Go2-W run by its
 * policy publishes joint states that `rostopic` sees at the configured rate; `rostopic pub` of a Twist
 * changes its commanded velocity and it drives; when the Twist stops it holds; a joint command moves
 * the SO-101 (through the studio's ROS panel link, which counts the messages each way); the master killed mid-run is reported, the session runs on, and a new master gets
 * everything registered again.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Session } from '../../engine/session.ts';
import { RosLink } from '../../engine/ros-link.ts';
import { connectSessionToRos1 } from '../../engine/ros-session.ts';
import { bodyPosition } from '../../sim/kinematics.ts';
import { HAVE_ROS, rosMaster, until } from './support/ros-master.ts';

const master = rosMaster(0);
const MASTER = master.uri;
const rosEnv = master.env;
const { start: startMaster, stop: stopMaster, run: ros } = master;
if (!HAVE_ROS) console.warn('ros1.test.ts skipped: roscore/rostopic not installed (apt-get install ros-core python3-rospy python3-rostopic; .ci/run does this)');

describe.skipIf(!HAVE_ROS)('ROS 1 bridge against a real roscore', () => {
  beforeAll(startMaster, 90_000);
  afterAll(async () => {
    await master.dispose();
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

  it("moves the simulated SO-101 on a joint command (std_msgs/Float64MultiArray, one value per actuator), connected as the studio's ROS panel does (the command topic renamed), which counts the messages", async () => {
    const session = await Session.create({ taskId: 'so101-reach', controllerId: 'jog', seed: 0 });
    const link = new RosLink(session);
    await expect(link.connect({ kind: 'ros1', url: 'localhost:11311' })).rejects.toThrow(/a ROS 1 master URI looks like http:\/\/localhost:11311, not 'localhost:11311'/);
    await expect(link.connect({ kind: 'ros1', url: MASTER, topics: { joints: 'x' } })).rejects.toThrow(/no ROS topic 'joints' to rename/);
    await expect(link.connect({ kind: 'ros1', url: MASTER, joints: ['elbow'] })).rejects.toThrow(/'elbow' is not a moving joint of .*; its joints: shoulder_pan, /);
    // The joint commands come in on a topic of another name (relative: under the namespace); joint_states
    // carries the two joints asked for, in the order asked.
    const [first, second] = session.task.scene.actuators.map((a) => session.task.scene.joints[a.joint]!.name);
    const connected = await link.connect({ kind: 'ros1', url: MASTER, namespace: 'arm', rateHz: 10, topics: { joint_commands: 'goals' }, joints: [second!, first!] });
    expect(connected.connections).toHaveLength(1);
    const id = connected.connections[0]!.id;
    expect(connected.connections[0]).toMatchObject({ kind: 'ros1', url: MASTER, namespace: 'arm', rateHz: 10 });
    expect(connected.connections[0]!.subscribed.map((t) => t.topic)).toEqual(['/arm/cmd_vel', '/arm/goals', '/arm/joint_trajectory']);
    const count = (direction: 'published' | 'subscribed', topic: string) => link.status().connections[0]![direction].find((t) => t.topic === topic)!.messages;
    try {
      session.play();
      const actuators = session.task.scene.actuators;
      const target = actuators.map((a, i) => (i === 0 ? Math.min(a.ctrlRange[1], 0.8) : session.snapshot().controller.values[a.name] as number));
      const pub = spawn('rostopic', ['pub', '-r', '5', '/arm/goals', 'std_msgs/Float64MultiArray', JSON.stringify({ layout: { dim: [], data_offset: 0 }, data: target })], { env: rosEnv, stdio: 'ignore' });
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
        expect(names).toEqual([second, first]);
        const q = pos[names.indexOf(joint)];
        return q !== undefined && Math.abs(q - target[0]!) < 0.1 ? true : undefined;
      });
      expect(count('subscribed', '/arm/goals')).toBeGreaterThan(0);
      expect(count('published', '/arm/joint_states')).toBeGreaterThan(0);
      expect(count('published', '/arm/odom')).toBe(0);
      expect(link.disconnect(id).connections).toEqual([]);
    } finally {
      link.dispose();
      session.pause();
      await session.dispose();
    }
  });
});
