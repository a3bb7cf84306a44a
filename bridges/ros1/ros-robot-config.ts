/**
 * Robot configuration files for a robot on ROS (`kind: "ros"`): where it is reached (a ROS 1 master or
 * a rosbridge server), its state and command topics, which joints of its robot model it has (in the
 * order its controller takes them) and the safety settings. Limits default to the robot model's
 * actuator ranges. Versioned and validated like bus robots' files (robot-config.ts).
 */
import { z } from 'zod';
import type { SceneDescription } from '../../protocol/scene.ts';
import { configError } from '../robot-config.ts';
import { openRos1Transport, openRosbridgeTransport } from './ros-transport.ts';
import { RosRobot, rosJointsOf, type RosJoint } from './ros-robot.ts';

export const ROS_ROBOT_CONFIG_VERSION = 1;

const Limit = z.object({ min: z.number(), max: z.number(), velocity: z.number().positive().optional() });

export const RosRobotConfigSchema = z
  .object({
    version: z.literal(ROS_ROBOT_CONFIG_VERSION),
    kind: z.literal('ros'),
    name: z.string().min(1),
    /** The robot model (URDF/MJCF) the studio shows and whose joints these are, relative to this file. */
    robotModel: z.string().min(1),
    /** One of: a ROS 1 master (`http://host:11311`), or a rosbridge v2 server (`ws://host:9090`, ROS 1 or 2 behind it). */
    master: z.url({ protocol: /^https?$/ }).optional(),
    rosbridge: z.url({ protocol: /^wss?$/ }).optional(),
    /** Our node's name on a ROS 1 master. */
    nodeName: z.string().regex(/^\/?[A-Za-z][\w/]*$/).optional(),
    stateTopic: z.string().min(1).default('/joint_states'),
    commandTopic: z.string().min(1).default('/joint_commands'),
    /** The joints commanded, in command order (default: the robot model's position-controlled joints). */
    joints: z.array(z.string().min(1)).min(1).optional(),
    /** Joint position limits (rad) and speed limits (rad/s); default the robot model's actuator ranges. */
    limits: z.record(z.string(), Limit).default({}),
    safety: z
      .object({
        /** Largest change of a goal from the present position in one command, rad. */
        maxStep: z.number().positive().default(0.5),
        /** A reading older than this is a lost robot: commands hold (s). */
        staleAfterSeconds: z.number().positive().default(0.5),
        /** How long connecting waits for the first reading of every joint (ms). */
        connectTimeoutMs: z.number().int().positive().default(10_000),
      })
      .default({ maxStep: 0.5, staleAfterSeconds: 0.5, connectTimeoutMs: 10_000 }),
  })
  .superRefine((c, ctx) => {
    if ((c.master === undefined) === (c.rosbridge === undefined))
      ctx.addIssue({ code: 'custom', path: ['master'], message: 'give one of master (a ROS 1 master URI, http://host:11311) or rosbridge (ws://host:9090)' });
    for (const [joint, l] of Object.entries(c.limits)) if (l.min >= l.max) ctx.addIssue({ code: 'custom', path: ['limits', joint], message: `min ${l.min} is not below max ${l.max}` });
  });

export type RosRobotConfig = z.infer<typeof RosRobotConfigSchema>;

export function parseRosRobotConfig(raw: unknown, source = 'ROS robot configuration'): RosRobotConfig {
  const version = (raw as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > ROS_ROBOT_CONFIG_VERSION)
    throw new Error(`${source}: version ${version} is newer than this Actuate understands (${ROS_ROBOT_CONFIG_VERSION}); update Actuate`);
  const result = RosRobotConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  throw configError(source, result.error.issues);
}

/** Where the robot is reached, as a user reads it. */
export function rosWhere(config: RosRobotConfig, override?: string): string {
  return override ?? config.master ?? config.rosbridge!;
}

/**
 * The ROS robot a configuration describes, its joints and limits taken from `scene` (the robot model's)
 * unless the file gives them. `where` overrides the file's master or rosbridge URL (deploy's --port);
 * `readOnly` publishes nothing (a dry run).
 */
export function rosRobotFromConfig(config: RosRobotConfig, scene: SceneDescription, options: { source: string; where?: string; readOnly?: boolean; onStatus?: (message: string) => void }): RosRobot {
  const modelJoints = new Map(rosJointsOf(scene).map((j) => [j.name, j]));
  const names = config.joints ?? [...modelJoints.keys()];
  const unknown = names.filter((n) => !modelJoints.has(n) && !config.limits[n]);
  if (unknown.length) {
    throw new Error(`${options.source}: joints ${unknown.join(', ')} are not position-controlled joints of ${config.robotModel} (it has ${[...modelJoints.keys()].join(', ') || 'none'}); give their limits or fix the names`);
  }
  const joints: RosJoint[] = names.map((name) => ({ name, ...modelJoints.get(name), ...config.limits[name] }) as RosJoint);
  const where = rosWhere(config, options.where);
  const useRosbridge = options.where ? /^wss?:/.test(options.where) : config.rosbridge !== undefined;
  return new RosRobot({
    name: config.name,
    transport: () =>
      useRosbridge
        ? openRosbridgeTransport({ url: where, onStatus: options.onStatus })
        : openRos1Transport({ masterUri: where, nodeName: config.nodeName ?? `/actuate_${config.name.replace(/\W/g, '_')}`, onStatus: options.onStatus }),
    joints,
    stateTopic: config.stateTopic,
    commandTopic: config.commandTopic,
    maxStep: config.safety.maxStep,
    staleAfterSeconds: config.safety.staleAfterSeconds,
    connectTimeoutMs: config.safety.connectTimeoutMs,
    where,
    ...(options.readOnly ? { readOnly: true } : {}),
  });
}
