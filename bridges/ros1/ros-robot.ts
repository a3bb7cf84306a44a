/**
 * A robot on ROS behind the Robot seam: its state from `joint_states` (sensor_msgs/JointState, joints
 * matched by name), its commands to `joint_commands` (std_msgs/Float64MultiArray, one position goal
 * per joint in `joints` order, which the layout's label names — give the joints in the order the
 * robot's controller takes them, as a ros_control position-group controller or an Actuate session
 * with --ros1 does). Safety sits inside send() as on a bus robot
 * (SafetyLayer: limits, speed, max step from the present position). A state older than
 * `staleAfterSeconds` is a communication fault: send() then holds (publishes nothing new) and says so,
 * so a controller never drives a robot it cannot see. emergencyStop() publishes a hold at the present
 * position and latches until reconnect.
 */
import type { ActuatorInfo, RobotCapabilities, RobotCommand, RobotFault, RobotState, SentCommand } from '../../sim/robot/robot.ts';
import type { SceneDescription } from '../../protocol/scene.ts';
import type { RealRobot, RealRobotMode } from '../real-robot.ts';
import { SafetyLayer, type JointSafety } from '../safety/safety-layer.ts';
import type { RosTransport } from './ros-transport.ts';

export interface RosJoint extends JointSafety {
  name: string;
}

export interface RosRobotOptions {
  /** Opened on connect (a ROS 1 node or a rosbridge client); the robot closes it on disconnect. */
  transport: () => Promise<RosTransport> | RosTransport;
  name?: string;
  /** The joints commanded, in command order; their limits bound every command. */
  joints: RosJoint[];
  /** Topics (default joint_states and joint_commands), namespaced as given. */
  stateTopic?: string;
  commandTopic?: string;
  /** Largest step of a goal from the present position, rad (LeRobot's max_relative_target). Default 0.5. */
  maxStep?: number;
  /** A reading older than this is a lost robot (s). Default 0.5. */
  staleAfterSeconds?: number;
  /** How long connect() waits for the first reading (ms). Default 10 000. */
  connectTimeoutMs?: number;
  /** Where the robot is reached, as the Robot panel shows it (a master's or rosbridge's URL). */
  where?: string;
  /** Only read the robot: nothing is advertised or published, not even a stop's hold (a dry run). */
  readOnly?: boolean;
}

/** Faults kept for the Robot panel (the newest). */
const FAULTS_KEPT = 20;

interface JointStateMessage {
  name: string[];
  position: ArrayLike<number>;
  velocity: ArrayLike<number>;
  effort: ArrayLike<number>;
}

export class RosRobot implements RealRobot {
  readonly name: string;
  readonly capabilities: RobotCapabilities;
  readonly safety: SafetyLayer;
  private readonly stateTopic: string;
  private readonly commandTopic: string;
  private transport: RosTransport | undefined;
  private position: Float64Array;
  private velocity: Float64Array;
  private effort: Float64Array;
  private seen: boolean[];
  private lastReading = 0;
  private connectedAt = 0;
  private previousGoal: Float64Array | undefined;
  private previousAt = 0;
  private stopped: string | undefined;
  private firstReading: (() => void) | undefined;
  private readonly faults: RobotFault[] = [];
  /** A communication fault is on the list for the present silence. */
  private silenceNoted = false;
  /** Readings received, and those that named none of our joints. */
  readonly received = { readings: 0, foreign: 0 };

  constructor(private readonly options: RosRobotOptions) {
    if (options.joints.length === 0) throw new Error('a ROS robot needs at least one joint');
    this.name = options.name ?? 'ROS robot';
    this.stateTopic = options.stateTopic ?? '/joint_states';
    this.commandTopic = options.commandTopic ?? '/joint_commands';
    const actuators: ActuatorInfo[] = options.joints.map((j) => ({ name: j.name, joint: j.name, kind: 'position', min: j.min, max: j.max }));
    this.capabilities = {
      joints: options.joints.map((j) => j.name),
      actuators,
      floatingBase: false,
      reports: { effort: true, temperature: false, voltage: false },
      simulated: false,
      hardwareWatchdog: false,
    };
    this.safety = new SafetyLayer(options.joints, options.maxStep ?? 0.5);
    const n = options.joints.length;
    this.position = new Float64Array(n);
    this.velocity = new Float64Array(n);
    this.effort = new Float64Array(n);
    this.seen = new Array<boolean>(n).fill(false);
  }

  get counters() {
    return this.safety.counters;
  }

  get mode(): RealRobotMode {
    if (!this.transport) return 'disconnected';
    if (this.stopped) return 'stopped';
    return this.staleFor() === undefined ? 'active' : 'holding';
  }

  get stopReason(): string | undefined {
    return this.stopped;
  }

  get faultList(): readonly RobotFault[] {
    this.staleFor();
    return this.faults;
  }

  /** Commands go out: connected, hearing the robot, not stopped, not only read. */
  get torqueEnabled(): boolean {
    return this.mode === 'active' && !this.options.readOnly;
  }

  get port(): string {
    return this.options.where ?? 'ROS';
  }

  async connect(): Promise<void> {
    if (this.transport) return;
    const transport = await this.options.transport();
    this.transport = transport;
    this.stopped = undefined;
    this.faults.length = 0;
    this.connectedAt = performance.now();
    const index = new Map(this.capabilities.joints.map((j, i) => [j, i]));
    const first = new Promise<void>((resolve) => (this.firstReading = resolve));
    if (!this.options.readOnly) await transport.advertise(this.commandTopic, 'std_msgs/Float64MultiArray');
    transport.subscribe(this.stateTopic, 'sensor_msgs/JointState', (message) => {
      const m = message as JointStateMessage;
      let ours = 0;
      m.name.forEach((joint, k) => {
        const i = index.get(joint);
        if (i === undefined) return;
        ours++;
        this.seen[i] = true;
        if (k < m.position.length) this.position[i] = m.position[k]!;
        if (k < m.velocity.length) this.velocity[i] = m.velocity[k]!;
        if (k < m.effort.length) this.effort[i] = m.effort[k]!;
      });
      this.received.readings++;
      if (ours === 0) return void this.received.foreign++;
      this.lastReading = performance.now();
      this.silenceNoted = false;
      if (this.seen.every(Boolean)) this.firstReading?.();
    });
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        first,
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            const missing = this.capabilities.joints.filter((_, i) => !this.seen[i]);
            reject(new Error(`${this.name}: no ${this.stateTopic} with joints ${missing.join(', ')} within ${timeoutMs / 1000} s (${this.received.readings} messages received)`));
          }, timeoutMs);
        }),
      ]);
    } catch (err) {
      this.transport = undefined;
      transport.close();
      throw err;
    } finally {
      clearTimeout(timer);
      this.firstReading = undefined;
    }
  }

  async read(): Promise<RobotState> {
    const faults: RobotFault[] = [];
    const stale = this.staleFor();
    if (stale !== undefined) faults.push({ kind: 'communication', message: `no ${this.stateTopic} for ${stale.toFixed(1)} s` });
    return {
      time: (performance.now() - this.connectedAt) / 1000,
      stamp: Date.now(),
      position: Float64Array.from(this.position),
      velocity: Float64Array.from(this.velocity),
      effort: Float64Array.from(this.effort),
      faults,
    };
  }

  async send(command: RobotCommand): Promise<SentCommand> {
    const transport = this.transport;
    if (!transport) throw new Error(`${this.name}: not connected`);
    if (this.stopped) return { action: Float64Array.from(this.position), clamped: 0, overridden: this.stopped };
    if (this.options.readOnly) return { action: Float64Array.from(this.position), clamped: 0, overridden: `${this.name} is only read (nothing sent)` };
    const stale = this.staleFor();
    if (stale !== undefined) {
      this.safety.counters.communicationTrips++;
      return { action: Float64Array.from(this.position), clamped: 0, overridden: `no ${this.stateTopic} for ${stale.toFixed(1)} s: holding (nothing sent)` };
    }
    const now = performance.now();
    const filtered = this.safety.filter(command.action, this.position, this.previousGoal, (now - this.previousAt) / 1000);
    this.previousGoal = filtered.action;
    this.previousAt = now;
    transport.publish(this.commandTopic, 'std_msgs/Float64MultiArray', goals(this.capabilities.joints, filtered.action));
    return filtered;
  }

  async emergencyStop(reason: string): Promise<void> {
    this.safety.counters.emergencyStops++;
    this.stopped = `emergency stop: ${reason}`;
    if (!this.options.readOnly) this.transport?.publish(this.commandTopic, 'std_msgs/Float64MultiArray', goals(this.capabilities.joints, this.position));
  }

  async disconnect(): Promise<void> {
    const transport = this.transport;
    this.transport = undefined;
    transport?.close();
  }

  /** Seconds since the last reading when that is too long ago (noted once per silence as a fault), else undefined. */
  private staleFor(): number | undefined {
    const age = (performance.now() - this.lastReading) / 1000;
    if (age <= (this.options.staleAfterSeconds ?? 0.5)) return undefined;
    if (!this.silenceNoted && this.transport && this.lastReading > 0) {
      this.silenceNoted = true;
      this.faults.push({ kind: 'communication', message: `${this.stateTopic} went silent` });
      if (this.faults.length > FAULTS_KEPT) this.faults.shift();
    }
    return age;
  }
}

function goals(joints: readonly string[], values: Float64Array) {
  return { layout: { dim: [{ label: joints.join(','), size: values.length, stride: values.length }], data_offset: 0 }, data: Float64Array.from(values) };
}

/** The joints a scene's position actuators drive, with their command ranges: a ROS robot that is this scene's real twin. */
export function rosJointsOf(scene: SceneDescription): RosJoint[] {
  return scene.actuators
    .filter((a) => a.kind === 'position')
    .map((a) => ({ name: scene.joints[a.joint]!.name, min: a.ctrlRange[0], max: a.ctrlRange[1] }));
}
