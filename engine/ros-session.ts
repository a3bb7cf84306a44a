/**
 * A session on ROS — ROS 1 natively, or ROS 1/ROS 2 through a rosbridge server: publishes the robot (joint states, link transforms, odometry of a floating base,
 * the task's key states) at a chosen rate of session time, and takes commands from ROS — `cmd_vel`
 * (geometry_msgs/Twist) becomes the velocity command (a locomotion task's live parameters, which the
 * policy reads), `joint_commands`
 * (std_msgs/Float64MultiArray, one value per actuator) and `joint_trajectory`
 * (trajectory_msgs/JointTrajectory, its first point, by joint name) become the joint targets of a
 * controller that takes them (joint sliders). Commands go through the session's edit queue, so they
 * land between physics steps. A velocity command not renewed within `commandTimeout` is set back to
 * zero: when the master or the publisher goes away, the robot holds instead of running on.
 */
import type { SessionSnapshot } from '../protocol/api.ts';
import { BODY_STATE_SIZE, floatingBase, type SceneDescription } from '../protocol/scene.ts';
import type { NumberParam } from '../sim/params.ts';
import { rotateInverse } from '../sim/kinematics.ts';
import { jointStateMessage, publishedJoints, rosTime, tfMessage } from '../bridges/ros1/ros1-messages.ts';
import { openRos1Transport, openRosbridgeTransport, type RosTransport } from '../bridges/ros1/ros-transport.ts';
import type { Session } from './session.ts';
import { velocityTarget } from '../protocol/velocity.ts';
import { VelocityCommand } from './velocity-command.ts';

export type { RosTransport };

/** The topics a session bridge publishes and takes, by their default names. */
export const ROS_TOPIC_KEYS = ['joint_states', 'tf', 'odom', 'task_state', 'cmd_vel', 'joint_commands', 'joint_trajectory'] as const;
export type RosTopicKey = (typeof ROS_TOPIC_KEYS)[number];

/** A ROS graph resource name: letters, digits, _ and /, not starting with a digit. */
const ROS_NAME = /^\/?[A-Za-z][\w/]*$/;

/** Checks topic renames (`joint_states` → `arm/state`); the error names the bad key or name and what is allowed. */
export function checkTopicNames(topics: Readonly<Record<string, string>>): Partial<Record<RosTopicKey, string>> {
  for (const [key, name] of Object.entries(topics)) {
    if (!(ROS_TOPIC_KEYS as readonly string[]).includes(key)) throw new Error(`no ROS topic '${key}' to rename (topics: ${ROS_TOPIC_KEYS.join(', ')})`);
    if (!ROS_NAME.test(name)) throw new Error(`'${name}' (for ${key}) is not a ROS topic name (letters, digits, _ and /)`);
  }
  return topics as Partial<Record<RosTopicKey, string>>;
}

export interface RosSessionOptions {
  /** Prefix of every topic name (`--ros-ns robot1` → /robot1/joint_states). */
  namespace?: string;
  /** Other names for topics (`--ros-topic joint_states=arm/state`): relative ones under the namespace, /absolute ones as given. */
  topics?: Partial<Record<RosTopicKey, string>>;
  /** Publications per second of session time. */
  rateHz?: number;
  /** The joints `joint_states` carries, in this order (`--ros-joints a,b`); default every moving joint. */
  joints?: readonly string[];
  /** Seconds a velocity command stays in force without a new one. */
  commandTimeout?: number;
  /** Connection changes and command problems, as sentences for the user. */
  onStatus?: (message: string) => void;
}

export interface Ros1SessionOptions extends RosSessionOptions {
  masterUri: string;
  nodeName?: string;
}

export interface RosbridgeSessionOptions extends RosSessionOptions {
  url: string;
}

export interface RosSessionBridge {
  readonly transport: RosTransport;
  readonly topics: { joint_states: string; tf: string; odom: string; task_state: string; cmd_vel: string; joint_commands: string; joint_trajectory: string };
  /** Messages received, per topic. */
  readonly received: Map<string, number>;
  /** Messages published, per topic. */
  readonly sent: Map<string, number>;
  close(): void;
}

export function rosTopic(namespace: string | undefined, name: string): string {
  if (name.startsWith('/')) return name;
  const ns = (namespace ?? '').replace(/^\/+|\/+$/g, '');
  return ns ? `/${ns}/${name}` : `/${name}`;
}

export async function connectSessionToRos1(session: Session, options: Ros1SessionOptions): Promise<RosSessionBridge> {
  return connectSessionToRos(session, () => openRos1Transport(options), options);
}

export async function connectSessionToRosbridge(session: Session, options: RosbridgeSessionOptions): Promise<RosSessionBridge> {
  return connectSessionToRos(session, async () => openRosbridgeTransport(options), options);
}

/**
 * Connects a session to every ROS endpoint asked for (a ROS 1 master, a rosbridge server, or both);
 * if one fails, those already connected are closed before the error is thrown. `run` and `serve` share it.
 */
export async function connectSessionBridges(session: Session, options: { ros1?: Ros1SessionOptions | undefined; rosbridge?: RosbridgeSessionOptions | undefined }): Promise<RosSessionBridge[]> {
  const bridges: RosSessionBridge[] = [];
  try {
    if (options.ros1) bridges.push(await connectSessionToRos1(session, options.ros1));
    if (options.rosbridge) bridges.push(await connectSessionToRosbridge(session, options.rosbridge));
  } catch (err) {
    for (const b of bridges) b.close();
    throw err;
  }
  return bridges;
}

/** Opens the transport (`open`) once the options are known to fit the session, and puts the session on it. */
async function connectSessionToRos(session: Session, open: () => Promise<RosTransport>, options: RosSessionOptions): Promise<RosSessionBridge> {
  const say = options.onStatus ?? (() => {});
  let scene: SceneDescription = session.task.scene;
  let joints = publishedJoints(scene, options.joints);
  const node = await open();
  const t = (key: RosTopicKey) => rosTopic(options.namespace, options.topics?.[key] ?? key);
  const topics = {
    joint_states: t('joint_states'), tf: t('tf'), odom: t('odom'), task_state: t('task_state'),
    cmd_vel: t('cmd_vel'), joint_commands: t('joint_commands'), joint_trajectory: t('joint_trajectory'),
  };
  const received = new Map<string, number>();
  const tick = (topic: string) => received.set(topic, (received.get(topic) ?? 0) + 1);
  const sent = new Map<string, number>();
  const publish = (topic: string, type: Parameters<RosTransport['publish']>[1], message: unknown) => {
    node.publish(topic, type, message);
    sent.set(topic, (sent.get(topic) ?? 0) + 1);
  };

  await node.advertise(topics.joint_states, 'sensor_msgs/JointState');
  await node.advertise(topics.tf, 'tf2_msgs/TFMessage');
  await node.advertise(topics.odom, 'nav_msgs/Odometry');
  await node.advertise(topics.task_state, 'std_msgs/Float64MultiArray');

  // ── publishing, from the session's steps ──
  const period = 1 / (options.rateHz ?? 50);
  let bodies = scene.bodies.map((_, i) => i);
  let base = floatingBase(scene);
  let nextPublish = -Infinity;
  let seq = 0;
  const offScene = session.on('session', (snapshot: SessionSnapshot) => {
    if (snapshot.scene === scene) return;
    scene = snapshot.scene;
    try {
      joints = publishedJoints(scene, options.joints);
    } catch (err) {
      // Another task's robot: the names chosen for the first one may not be there.
      say(`${topics.joint_states}: ${(err as Error).message}; publishing every moving joint`);
      joints = publishedJoints(scene);
    }
    bodies = scene.bodies.map((_, i) => i);
    base = floatingBase(scene);
    nextPublish = -Infinity;
  });
  const offStep = session.onStep(({ time, state }) => {
    if (time + 1e-9 < nextPublish) return;
    nextPublish = time - nextPublish > 2 * period ? time + period : nextPublish + period;
    const stamp = rosTime(Date.now() / 1000);
    seq++;
    publish(topics.joint_states, 'sensor_msgs/JointState', jointStateMessage(scene, joints, state, stamp, seq));
    publish(topics.tf, 'tf2_msgs/TFMessage', tfMessage(scene, bodies, state, stamp));
    if (base !== undefined) publish(topics.odom, 'nav_msgs/Odometry', odometry(state, base, scene.bodies[base]!.name, stamp, seq));
    const readouts = session.task.readouts;
    publish(topics.task_state, 'std_msgs/Float64MultiArray', {
      layout: { dim: [{ label: readouts.map((r) => r.name).join(','), size: readouts.length, stride: readouts.length }], data_offset: 0 },
      data: Float64Array.from(readouts, (r) => r.read(state)),
    });
  });

  // ── commands, into the session's edit queue (per scope, the newest wins while an edit is pending) ──
  const pending: Record<'task' | 'controller', Record<string, number> | undefined> = { task: undefined, controller: undefined };
  const applying = { task: false, controller: false };
  const apply = (values: Record<string, number>, scope: 'task' | 'controller' = 'controller') => {
    pending[scope] = { ...pending[scope], ...values };
    if (applying[scope]) return;
    applying[scope] = true;
    void (async () => {
      for (let next = pending[scope]; next; next = pending[scope]) {
        pending[scope] = undefined;
        await session.setParams(scope, next).catch((err: Error) => say(`ROS command not applied: ${err.message}`));
      }
      applying[scope] = false;
    })();
  };
  const controllerParams = () => {
    const snapshot = session.snapshot();
    return new Map(snapshot.controller.params.filter((p): p is NumberParam => p.kind === 'number').map((p) => [p.key, p]));
  };
  const clampTo = (p: NumberParam, v: number) => Math.min(p.max, Math.max(p.min, v));
  const warned = new Set<string>();
  const warnOnce = (key: string, message: string) => {
    if (!warned.has(key)) say(message);
    warned.add(key);
  };

  // The one velocity command path (the studio's keys and gamepad use it too): clamped, and zeroed when not renewed.
  const velocity = new VelocityCommand({
    snapshot: () => session.snapshot(),
    apply: (scope, values) => {
      apply(values, scope);
      return Promise.resolve();
    },
    timeoutMs: (options.commandTimeout ?? 0.5) * 1000,
    onTimeout: () => say(`${topics.cmd_vel}: no velocity command for ${options.commandTimeout ?? 0.5} s; holding (command set to zero)`),
  });
  node.subscribe(topics.cmd_vel, 'geometry_msgs/Twist', (message) => {
    tick(topics.cmd_vel);
    const m = message as { linear: { x: number; y: number }; angular: { z: number } };
    velocity.set({ vx: m.linear.x, vy: m.linear.y, yawRate: m.angular.z }).catch((err: Error) => {
      const snapshot = session.snapshot();
      if (!velocityTarget(snapshot)) return warnOnce('twist', `${topics.cmd_vel}: task '${snapshot.task.id}' and controller '${snapshot.controller.id}' take no velocity command; Twist messages are ignored`);
      warnOnce('twist-nan', `${topics.cmd_vel}: a Twist was ignored: ${err.message}`);
    });
  });

  const jointTargets = (topic: string, byActuator: Map<string, number>) => {
    const params = controllerParams();
    const values: Record<string, number> = {};
    for (const [actuator, v] of byActuator) {
      const p = params.get(actuator);
      if (p && Number.isFinite(v)) values[actuator] = clampTo(p, v);
    }
    if (Object.keys(values).length === 0) {
      return warnOnce(topic, `${topic}: controller '${session.snapshot().controller.id}' takes no joint targets (use the joint sliders controller, jog); ignored`);
    }
    apply(values);
  };
  node.subscribe(topics.joint_commands, 'std_msgs/Float64MultiArray', (message) => {
    tick(topics.joint_commands);
    const data = (message as { data: ArrayLike<number> }).data;
    const actuators = session.task.scene.actuators;
    if (data.length !== actuators.length) {
      return warnOnce(`${topics.joint_commands}-len`, `${topics.joint_commands}: expected ${actuators.length} values (${actuators.map((a) => a.name).join(', ')}), got ${data.length}; ignored`);
    }
    jointTargets(topics.joint_commands, new Map(actuators.map((a, i) => [a.name, data[i]!])));
  });
  node.subscribe(topics.joint_trajectory, 'trajectory_msgs/JointTrajectory', (message) => {
    tick(topics.joint_trajectory);
    const m = message as { joint_names: string[]; points: { positions: ArrayLike<number> }[] };
    const point = m.points[0];
    if (!point) return;
    const scene = session.task.scene;
    const byActuator = new Map<string, number>();
    m.joint_names.forEach((joint, i) => {
      const actuator = scene.actuators.find((a) => scene.joints[a.joint]?.name === joint);
      if (actuator && i < point.positions.length) byActuator.set(actuator.name, point.positions[i]!);
    });
    jointTargets(topics.joint_trajectory, byActuator);
  });

  return {
    transport: node,
    topics,
    received,
    sent,
    close() {
      velocity.dispose();
      offStep();
      offScene();
      node.close();
    },
  };
}

/** nav_msgs/Odometry of the floating base: pose in `world`, twist in the base frame (REP 105). */
function odometry(state: ArrayLike<number>, base: number, baseName: string, stamp: { sec: number; nsec: number }, seq: number) {
  const o = base * BODY_STATE_SIZE;
  const q = [state[o + 3]!, state[o + 4]!, state[o + 5]!, state[o + 6]!];
  const v = rotateInverse(q, [state[o + 7]!, state[o + 8]!, state[o + 9]!]);
  const w = rotateInverse(q, [state[o + 10]!, state[o + 11]!, state[o + 12]!]);
  const zeros = new Float64Array(36);
  return {
    header: { seq, stamp, frame_id: 'world' },
    child_frame_id: baseName,
    pose: { pose: { position: { x: state[o]!, y: state[o + 1]!, z: state[o + 2]! }, orientation: { x: q[0], y: q[1], z: q[2], w: q[3] } }, covariance: zeros },
    twist: { twist: { linear: { x: v[0], y: v[1], z: v[2] }, angular: { x: w[0], y: w[1], z: w[2] } }, covariance: zeros },
  };
}
