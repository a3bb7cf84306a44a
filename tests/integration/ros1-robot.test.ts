/**
 * A robot on ROS as the Robot a session drives, against a real roscore: the robot is a rospy node
 * (Debian's python3-rospy) that publishes /arm/joint_states and moves its joints towards the goals it
 * receives on /arm/joint_commands. Reading, safety clamps, losing the robot (it holds) and an
 * emergency stop; then the SO-101's studio session attached to it: a jog target moves the ROS arm and
 * the session's twin follows its readings.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openRos1Transport } from '../../bridges/ros1/ros-transport.ts';
import { RosRobot, rosJointsOf } from '../../bridges/ros1/ros-robot.ts';
import { Session } from '../../engine/session.ts';
import { jointPosition } from '../../sim/kinematics.ts';
import { ROBOT_TASK_PREFIX } from '../../sim/tasks/free-play.ts';
import { HAVE_ROS, rosMaster, until } from './support/ros-master.ts';

const SO101 = fileURLToPath(new URL('../../assets/robots/so101/so101_new_calib.urdf', import.meta.url));
const master = rosMaster(1);
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
  afterAll(() => master.dispose(), 30_000);

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

  it("drives the SO-101's studio session: a jog target moves the ROS arm, and the twin follows its readings", async () => {
    const session = await Session.create({ taskId: `${ROBOT_TASK_PREFIX}${SO101}`, controllerId: 'jog' });
    const scene = session.task.scene;
    const joints = rosJointsOf(scene);
    expect(joints.map((j) => j.name)).toContain('shoulder_pan');
    const arm = startArm(joints.map((j) => j.name), joints.map(() => 0), 2);
    const robot = new RosRobot({
      name: 'SO-101 on ROS',
      transport: () => openRos1Transport({ masterUri: master.uri, nodeName: '/actuate_so101' }),
      joints,
      stateTopic: '/arm/joint_states',
      commandTopic: '/arm/joint_commands',
    });
    try {
      await robot.connect();
      const attached = await session.attachRobot(robot);
      expect(attached.robot).toEqual({ name: 'SO-101 on ROS', simulated: false });
      const pan = scene.actuators.find((a) => scene.joints[a.joint]!.name === 'shoulder_pan')!;
      await session.setParams('controller', { [pan.name]: 0.5 });
      session.play();
      const panIndex = joints.findIndex((j) => j.name === 'shoulder_pan');
      await until('the ROS arm at shoulder_pan 0.5', 30, async () => Math.abs((await robot.read()).position[panIndex]! - 0.5) < 0.02);
      // The twin (what the viewport draws and planners start from) is posed from the arm's reading.
      await until('the twin at shoulder_pan 0.5', 10, () => Math.abs(twinAngle(session, 'shoulder_pan') - 0.5) < 0.05);
    } finally {
      session.pause();
      await session.attachRobot(undefined).catch(() => undefined);
      await stopArm(arm);
      await robot.disconnect();
      await session.dispose();
    }
  });
});

/** A joint's angle in the session's current state: the twin's, posed from the robot's reading. */
function twinAngle(session: Session, joint: string): number {
  const scene = session.task.scene;
  return jointPosition(scene, session.currentState(), scene.joints.findIndex((x) => x.name === joint));
}
