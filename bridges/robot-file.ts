/**
 * A robot configuration file of either kind — servos on a serial bus (robot-config.ts) or a robot on
 * ROS (`"kind": "ros"`, ros1/ros-robot-config.ts) — read once and turned into the real robot the
 * studio's Robot panel and `actuate deploy` drive. A ROS robot takes its joints from the scene of its
 * robot model, so the robot is made for a scene.
 */
import { dirname, resolve } from 'node:path';
import { BusRobot, type BusRobotOptions } from './bus-robot.ts';
import type { RealRobot } from './real-robot.ts';
import { parseRobotConfig, readRobotJson, type RobotConfig } from './robot-config.ts';
import { parseRosRobotConfig, rosRobotFromConfig, rosWhere, type RosRobotConfig } from './ros1/ros-robot-config.ts';
import type { SceneDescription } from '../protocol/scene.ts';

export interface RobotFile {
  path: string;
  name: string;
  role: 'follower' | 'leader';
  /** 'dynamixel' | 'feetech' for a bus, 'ros1' | 'rosbridge' for ROS. */
  transport: string;
  /** The serial port, or the master's or rosbridge's URL. */
  port: string;
  /** The robot model file, resolved against the configuration's folder. */
  robotModel: string | undefined;
  config: { kind: 'bus'; bus: RobotConfig } | { kind: 'ros'; ros: RosRobotConfig };
}

export interface MakeRobotOptions extends Pick<BusRobotOptions, 'torque' | 'guardProcess'> {
  /** Another serial port, or another master or rosbridge URL, than the file's. */
  port?: string;
  onStatus?: (message: string) => void;
}

export function loadRobotFile(path: string): RobotFile {
  const raw = readRobotJson(path);
  const model = (relative: string | undefined) => (relative ? resolve(dirname(path), relative) : undefined);
  if ((raw as { kind?: unknown } | null)?.kind === 'ros') {
    const ros = parseRosRobotConfig(raw, path);
    return { path, name: ros.name, role: 'follower', transport: ros.master ? 'ros1' : 'rosbridge', port: rosWhere(ros), robotModel: model(ros.robotModel), config: { kind: 'ros', ros } };
  }
  const bus = parseRobotConfig(raw, path);
  return { path, name: bus.name, role: bus.role, transport: bus.bus.type, port: bus.bus.port, robotModel: model(bus.robotModel), config: { kind: 'bus', bus } };
}

/** The robot a file describes, for `scene` (its robot model's, or a task's built on it); not yet connected. */
export function makeRobot(file: RobotFile, scene: SceneDescription, options: MakeRobotOptions = {}): RealRobot {
  const { port, onStatus, ...bus } = options;
  if (file.config.kind === 'ros') {
    // Torque off (a dry run): the ROS robot is only read, nothing is published to it.
    return rosRobotFromConfig(file.config.ros, scene, { source: file.path, readOnly: bus.torque === false, ...(port ? { where: port } : {}), ...(onStatus ? { onStatus } : {}) });
  }
  return new BusRobot(file.config.bus, { ...bus, ...(port ? { port } : {}) });
}
