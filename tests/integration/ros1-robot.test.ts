/**
 * A robot on ROS as the Robot a session drives, against a real roscore: the robot is a rospy node
 * (Debian's python3-rospy) that publishes /arm/joint_states and moves its joints towards the goals it
 * receives on /arm/joint_commands. Reading, safety clamps, losing the robot (it holds) and an
 * emergency stop; then an SO-101 on ROS described by a robot file (`"kind": "ros"`), connected as the
 * studio's Robot panel does (a jog target moves the ROS arm, the twin follows its readings) and driven
 * by `actuate deploy --robot`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRos1Transport } from '../../bridges/ros1/ros-transport.ts';
import { RosRobot } from '../../bridges/ros1/ros-robot.ts';
import { deployCommand } from '../../cli/commands/deploy.ts';
import { RobotLink } from '../../engine/robot-link.ts';
import { Session } from '../../engine/session.ts';
import { jointPosition } from '../../sim/kinematics.ts';
import { ROBOT_TASK_PREFIX } from '../../sim/tasks/free-play.ts';
import { HAVE_ROS, rosMaster, until } from './support/ros-master.ts';

const SO101 = fileURLToPath(new URL('../../assets/robots/so101/so101_new_calib.urdf', import.meta.url));
const master = rosMaster(1);
const dir = mkdtempSync(join(tmpdir(), 'actuate-ros-robot-'));

/** An SO-101 on ROS (the rospy arm below) as a robot file: `<name>-arm.robot.json` in `dir`. */
function writeRosRobotFile(name: string): string {
  const file = join(dir, `${name}-arm.robot.json`);
  const config = { version: 1, kind: 'ros', name: `${name}-arm`, robotModel: SO101, master: master.uri, nodeName: `/actuate_${name}`, stateTopic: '/arm/joint_states', commandTopic: '/arm/joint_commands', safety: { maxStep: 0.25 } };
  writeFileSync(file, JSON.stringify(config));
  return file;
}
if (!HAVE_ROS) console.warn('ros1-robot.test.ts skipped: roscore/rostopic not installed (apt-get install ros-core python3-rospy python3-rostopic; .ci/run does this)');

/** A position-controlled arm on ROS: joints move towards their goals at `speed` rad/s, state at 50 Hz. */
const ARM = `
import sys, rospy
from sensor_msgs.msg import JointState
from std_msgs.msg import Float64MultiArray
names = sys.argv[1].split(',')
pos = [float(v) for v in sys.argv[2].split(',')]
speed = float(sys.argv[3])
goal = list(pos)
def on_command(m):
    # The goals come in the sender's joint order, which the layout's label names.
    order = m.layout.dim[0].label.split(',') if m.layout.dim else names
    if sorted(order) == sorted(names) and len(m.data) == len(names):
        for name, value in zip(order, m.data): goal[names.index(name)] = value
rospy.init_node('arm', anonymous=True)
rospy.Subscriber('/arm/joint_commands', Float64MultiArray, on_command)
pub = rospy.Publisher('/arm/joint_states', JointState, queue_size=10)
rate = rospy.Rate(50)
while not rospy.is_shutdown():
    for i in range(len(pos)):
        pos[i] += max(-speed / 50, min(speed / 50, goal[i] - pos[i]))
    m = JointState(name=names, position=pos, velocity=[0.0] * len(pos), effort=[0.0] * len(pos))
    m.header.stamp = rospy.Time.now()
    pub.publish(m)
    rate.sleep()
`;

function startArm(names: string[], start: number[], speed = 1): ChildProcess {
  // Debian's python3 (ROS's, as rostopic's #! line says), not whatever python3 comes first on PATH.
  const arm = spawn('/usr/bin/python3', ['-c', ARM, names.join(','), start.join(','), String(speed)], { env: master.env, stdio: ['ignore', 'ignore', 'inherit'] });
  process.once('exit', () => arm.kill('SIGKILL'));
  return arm;
}

async function stopArm(arm: ChildProcess): Promise<void> {
  if (arm.exitCode !== null) return;
  const exited = new Promise((r) => arm.once('exit', r));
  arm.kill('SIGINT');
  const timer = setTimeout(() => arm.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

describe.skipIf(!HAVE_ROS)('a ROS robot against a real roscore', () => {
  beforeAll(() => master.start(), 90_000);
  afterAll(async () => {
    await master.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it('reads joint_states, sends clamped goals to joint_commands, holds when the robot goes silent, latches an emergency stop', async () => {
    const arm = startArm(['shoulder', 'elbow'], [0.1, -0.2]);
    const robot = new RosRobot({
      name: 'ros arm',
      transport: () => openRos1Transport({ masterUri: master.uri, nodeName: '/actuate_arm' }),
      joints: [{ name: 'elbow', min: -1, max: 1 }, { name: 'shoulder', min: -1, max: 1 }],
      stateTopic: '/arm/joint_states',
      commandTopic: '/arm/joint_commands',
      maxStep: 0.5,
    });
    try {
      await robot.connect();
      const first = await robot.read();
      // Matched by name: our order is elbow, shoulder.
      expect(Array.from(first.position)).toEqual([-0.2, 0.1].map((v) => expect.closeTo(v, 6)));
      expect(first.faults).toEqual([]);

      // 5 rad is past the limit and more than a step from where the elbow is: clamped to −0.2 + 0.5.
      const sent = await robot.send({ action: Float64Array.of(5, 0.4) });
      expect(Array.from(sent.action)).toEqual([expect.closeTo(0.3, 6), 0.4]);
      expect(sent.clamped).toBe(1);
      expect(robot.counters.positionClamps).toBe(1);
      expect(robot.counters.stepClamps).toBe(1);
      // The arm moves to the goals it is sent (sent again as a controller would, each control step).
      await until('the arm at elbow 0.3, shoulder 0.4', 30, async () => {
        await robot.send({ action: Float64Array.of(0.3, 0.4) });
        const r = await robot.read();
        return Math.abs(r.position[0]! - 0.3) < 0.01 && Math.abs(r.position[1]! - 0.4) < 0.01;
      });

      // The robot goes silent: a communication fault, and commands hold instead of going out.
      await stopArm(arm);
      await until('a communication fault', 10, async () => (await robot.read()).faults.some((f) => f.kind === 'communication'));
      const held = await robot.send({ action: Float64Array.of(0, 0) });
      expect(held.overridden).toMatch(/no \/arm\/joint_states for [\d.]+ s: holding/);
      expect(Array.from(held.action)).toEqual([expect.closeTo(0.3, 2), expect.closeTo(0.4, 2)]);

      await robot.emergencyStop('test');
      expect((await robot.send({ action: Float64Array.of(0, 0) })).overridden).toBe('emergency stop: test');
    } finally {
      await stopArm(arm);
      await robot.disconnect();
    }
  });

  it('a robot that never publishes fails connect with what was missing', async () => {
    const robot = new RosRobot({
      transport: () => openRos1Transport({ masterUri: master.uri, nodeName: '/actuate_nobody' }),
      joints: [{ name: 'a', min: -1, max: 1 }],
      stateTopic: '/nobody/joint_states',
      connectTimeoutMs: 1500,
    });
    await expect(robot.connect()).rejects.toThrow(/no \/nobody\/joint_states with joints a within 1.5 s \(0 messages received\)/);
  });

  it("a ROS robot file in the studio's Robot panel: connecting moves nothing, a jog slider moves the ROS arm, the twin follows, the E-stop latches", async () => {
    const session = await Session.create({});
    const link = new RobotLink(session, { checkConfig: (p) => p, openModel: async (p) => `${ROBOT_TASK_PREFIX}${p}`, folders: [dir] });
    const file = writeRosRobotFile('studio');
    const names = ['shoulder_pan', 'shoulder_lift', 'elbow_flex', 'wrist_flex', 'wrist_roll', 'gripper'];
    const arm = startArm(names, names.map((_, i) => 0.1 * i), 2);
    try {
      expect(link.list()).toContainEqual({ path: file, name: 'studio-arm', role: 'follower', bus: 'ros1', port: master.uri });
      const status = await link.connect(file);
      expect(status).toMatchObject({ mode: 'active', name: 'studio-arm', port: master.uri, torque: true });
      // Connecting moves nothing: the jog sliders start where the arm is.
      const pan = session.task.scene.actuators.find((a) => session.task.scene.joints[a.joint]!.name === 'shoulder_pan')!;
      const lift = session.task.scene.actuators.find((a) => session.task.scene.joints[a.joint]!.name === 'shoulder_lift')!;
      expect(session.snapshot().controller.values[lift.name]).toBeCloseTo(0.1, 6);
      await session.setParams('controller', { [pan.name]: 0.5 });
      const joint = (name: string) => link.status().joints.find((j) => j.name === name)!.position;
      await until('the ROS arm at shoulder_pan 0.5', 30, () => Math.abs(joint('shoulder_pan') - 0.5) < 0.02);
      expect(joint('shoulder_lift')).toBeCloseTo(0.1, 2);
      // The twin (what the viewport draws and planners start from) is posed from the arm's reading.
      await until('the twin at shoulder_pan 0.5', 10, () => Math.abs(twinAngle(session, 'shoulder_pan') - 0.5) < 0.05);
      const stopped = await link.emergencyStop('test');
      expect(stopped).toMatchObject({ mode: 'stopped', stopReason: 'emergency stop: test', torque: false });
    } finally {
      await link.dispose();
      await stopArm(arm);
      await session.dispose();
    }
  });

  it('actuate deploy --robot on a ROS robot file: the controller drives the ROS arm through the safety layer', async () => {
    const file = writeRosRobotFile('deploy');
    const names = ['shoulder_pan', 'shoulder_lift', 'elbow_flex', 'wrist_flex', 'wrist_roll', 'gripper'];
    const arm = startArm(names, names.map(() => 0), 2);
    const log = join(dir, 'deploy.jsonl');
    try {
      const output: string[] = [];
      const log0 = console.log;
      console.log = (line: string) => void output.push(line);
      let code: number;
      try {
        code = await deployCommand(['--robot', file, '--controller', 'jog', '--set', 'controller.shoulder_pan=0.4', '--seconds', '1.5', '--rate', '50', '--log', log, '--json']);
      } finally {
        console.log = log0;
      }
      const summary = JSON.parse(output.at(-1)!);
      expect(code, JSON.stringify(summary)).toBe(0);
      expect(summary).toMatchObject({ robot: 'deploy-arm', mode: 'active' });
      const [start, ...steps] = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { joints?: string[]; position?: number[]; sent?: number[] });
      const k = start!.joints!.indexOf('shoulder_pan');
      // The first goal steps at most maxStep (0.25 rad) from where the arm is (0); the arm reaches 0.4 within the run.
      expect(steps[0]!.sent![k]).toBe(0.25);
      expect(steps.filter((s) => s.position).at(-1)!.position![k]).toBeCloseTo(0.4, 2);
    } finally {
      await stopArm(arm);
    }
  });
});

/** A joint's angle in the session's current state: the twin's, posed from the robot's reading. */
function twinAngle(session: Session, joint: string): number {
  const scene = session.task.scene;
  return jointPosition(scene, session.currentState(), scene.joints.findIndex((x) => x.name === joint));
}
