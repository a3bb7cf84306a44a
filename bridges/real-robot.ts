/**
 * A real robot as the studio's Robot panel and `actuate deploy` show it, whatever reaches it (a serial
 * bus, ROS): its mode, why it stopped, its faults and its safety layer's counters. The safety layer is
 * exposed so a dry run measures commands against the twin exactly as the robot would (dry-run-robot.ts).
 */
import type { Robot, RobotFault } from '../sim/robot/robot.ts';
import type { SafetyCounters, SafetyLayer } from './safety/safety-layer.ts';

/** Where the robot stands: taking commands, holding (no fresh command, or no fresh reading), or latched off until reconnect. */
export type RealRobotMode = 'disconnected' | 'active' | 'holding' | 'stopped';

export interface RealRobot extends Robot {
  readonly mode: RealRobotMode;
  /** Why the robot stopped, once it has. */
  readonly stopReason: string | undefined;
  readonly safety: SafetyLayer;
  readonly counters: SafetyCounters;
  /** Every fault seen since connecting. */
  readonly faultList: readonly RobotFault[];
  /** The robot holds or moves under our commands. */
  readonly torqueEnabled: boolean;
  /** Where it is reached: a serial port, a ROS master's or a rosbridge server's URL. */
  readonly port: string;
  /** The servos stop by themselves this soon if the engine dies (ms; 0 or absent: no such protection). */
  readonly busWatchdogMs?: number;
}
