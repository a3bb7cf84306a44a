/**
 * The one seam between controllers and any robot, simulated or real (LeRobot's Robot interface):
 * connect, read the state, send a command — which returns the command actually sent after safety —
 * and disconnect. `SimRobot` wraps the Rapier world; serial-bus and ROS robots live in `bridges/`.
 * Everything here is plain data, so a state or a command can be logged, recorded and sent over the
 * protocol as it is.
 */

/** How an actuator is commanded; values are in the joint's units (rad, m, rad/s, N·m, N). */
export type ActuatorKind = 'position' | 'velocity' | 'torque';

export interface ActuatorInfo {
  /** Actuator name (MJCF actuator, or the joint's name for URDF and bus robots). */
  name: string;
  /** The joint it drives. */
  joint: string;
  kind: ActuatorKind;
  /** Command range the robot accepts (after calibration, in joint units). */
  min: number;
  max: number;
  /** Torque actuators: the joint force is gear · command (a simulated motor's ctrl units); 1 when absent. */
  gear?: number;
}

export interface RobotCapabilities {
  /** Joint names in the order of RobotState's per-joint arrays (position, velocity, …). */
  joints: string[];
  /** Actuators in the order of RobotCommand.action. */
  actuators: ActuatorInfo[];
  /** A base that moves freely (legged, wheeled): RobotState.base is filled. */
  floatingBase: boolean;
  /** Which optional per-joint readings this robot reports. */
  reports: { effort: boolean; temperature: boolean; voltage: boolean };
  /** True for a simulated robot (the studio shows it; deploy refuses to treat it as real). */
  simulated: boolean;
  /** A hardware watchdog stops the motors if this process dies (Dynamixel X Bus Watchdog). */
  hardwareWatchdog: boolean;
}

/** A fault a robot reports; `joint` is absent for whole-robot faults (port closed, bus timeout). */
export interface RobotFault {
  kind: 'overload' | 'overheat' | 'voltage' | 'encoder' | 'electrical' | 'communication' | 'limit' | 'other';
  joint?: string;
  message: string;
}

/** The base quantities a policy reads (what an IMU and a state estimator give on a real robot). */
export interface BaseState {
  /** World position (m) and orientation quaternion (w, x, y, z), where known. */
  position?: [number, number, number];
  orientation?: [number, number, number, number];
  /** Linear and angular velocity in the base frame. */
  linVel: [number, number, number];
  angVel: [number, number, number];
  /** Unit gravity direction in the base frame. */
  projectedGravity: [number, number, number];
}

export interface RobotState {
  /** Robot time (s): simulation time for a simulated robot, seconds since connect for a real one. */
  time: number;
  /** Wall-clock milliseconds (Date.now()) when the reading was taken. */
  stamp: number;
  /** Per joint, in capabilities.joints order. */
  position: Float64Array;
  velocity: Float64Array;
  effort?: Float64Array;
  temperature?: Float64Array;
  voltage?: Float64Array;
  base?: BaseState;
  /** Site sensors by name (gyro, accelerometer, frame sensors, touch: sim/robot/site-sensors.ts), where the robot has them. */
  sensors?: Record<string, Float64Array>;
  faults: RobotFault[];
}

export interface RobotCommand {
  /** One value per actuator, in capabilities.actuators order. */
  action: Float64Array;
}

/** What reached the motors: the command after the safety layer, and what it changed. */
export interface SentCommand {
  action: Float64Array;
  /** Entries the safety layer clamped in this command (0 when it passed unchanged). */
  clamped: number;
  /** Why the command was replaced entirely (watchdog hold, emergency stop, torque off), if it was. */
  overridden?: string;
}

export interface Robot {
  readonly name: string;
  readonly capabilities: RobotCapabilities;
  connect(): Promise<void>;
  read(): Promise<RobotState>;
  /** Sends a command; resolves with what was actually sent after safety. */
  send(command: RobotCommand): Promise<SentCommand>;
  /** Stops motion at once (hold or torque off, as the robot can); works while a controller is stuck. */
  emergencyStop(reason: string): Promise<void>;
  /** Torque off (real robots) and release the connection. Safe to call twice. */
  disconnect(): Promise<void>;
}
