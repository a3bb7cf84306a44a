/**
 * A dry run of a real robot: the real one is read (torque off, nothing sent to it) and its simulated
 * twin — the task's scene in Rapier, started from the real joint positions and stepped on the wall
 * clock — takes the commands instead. Commands pass the real robot's own safety layer first, so the
 * clamps counted are the ones the real run would have made. Readings are the twin's joints with the
 * real robot's faults: a user sees what the controller would do before enabling torque.
 */
import type { Rapier } from '../sim/rapier/load-rapier.ts';
import { ActuatorMap } from '../sim/robot/actuator-map.ts';
import type { Robot, RobotCommand, RobotState, SentCommand } from '../sim/robot/robot.ts';
import { RobotTwin } from '../sim/robot/robot-twin.ts';
import { SimRobot } from '../sim/robot/sim-robot.ts';
import type { SceneDescription } from '../sim/scene.ts';
import type { RealRobot } from './real-robot.ts';

export class DryRunRobot implements Robot {
  readonly name: string;
  readonly capabilities: RealRobot['capabilities'];
  /** The latest reading of the real robot (it stays where it is). */
  lastReal: RobotState | undefined;
  private readonly twin: SimRobot;
  private readonly actuators: ActuatorMap;
  private readonly pose: RobotTwin;
  /** For each real joint, its index in the twin's readings. */
  private readonly order: number[];
  private wall0 = 0;
  private lastGoal: Float64Array | undefined;
  private lastSentAt = 0;

  /** `real` must never be commanded by anyone else (a bus robot built with `torque: false`): a dry run only reads it. */
  constructor(
    readonly real: RealRobot,
    R: Rapier,
    scene: SceneDescription,
  ) {
    this.name = `${real.name} (dry run)`;
    this.capabilities = { ...real.capabilities, simulated: true };
    this.twin = new SimRobot(R, scene, this.name);
    this.actuators = new ActuatorMap(scene, real.capabilities);
    this.pose = new RobotTwin(scene, real.capabilities.joints);
    this.order = real.capabilities.joints.map((name) => this.twin.capabilities.joints.indexOf(name));
  }

  get counters(): RealRobot['counters'] {
    return this.real.counters;
  }

  async connect(): Promise<void> {
    await this.real.connect();
    const first = await this.real.read();
    this.lastReal = first;
    // The twin starts where the real arm is, holding that pose.
    const still = { ...first, velocity: new Float64Array(first.velocity.length) };
    this.twin.resetTo(this.pose.stateOf(still));
    this.twin.sendNow({ action: this.actuators.fromRobot(first.position) });
    this.wall0 = performance.now();
  }

  async read(): Promise<RobotState> {
    const real = await this.real.read();
    this.lastReal = real;
    const now = (performance.now() - this.wall0) / 1000;
    if (now > this.twin.time + this.twin.timestep) this.twin.advance(now - this.twin.time);
    const r = this.twin.readNow();
    return {
      time: r.time,
      stamp: Date.now(),
      position: Float64Array.from(this.order, (i) => r.position[i]!),
      velocity: Float64Array.from(this.order, (i) => r.velocity[i]!),
      faults: real.faults,
    };
  }

  /** The twin's joint positions, in the real robot's joint order. */
  twinPosition(): Float64Array {
    const r = this.twin.readNow();
    return Float64Array.from(this.order, (i) => r.position[i]!);
  }

  /** The real robot's safety layer, measured against the twin's joints; the result drives only the twin. */
  async send(command: RobotCommand): Promise<SentCommand> {
    if (this.real.mode === 'stopped' || this.real.mode === 'disconnected') {
      return { action: command.action.slice(), clamped: 0, overridden: this.real.stopReason ?? `${this.real.name} is not connected` };
    }
    const present = this.twinPosition();
    const now = performance.now();
    const filtered = this.real.safety.filter(command.action, present, this.lastGoal, (now - this.lastSentAt) / 1000);
    this.lastGoal = filtered.action.slice();
    this.lastSentAt = now;
    this.twin.sendNow({ action: this.actuators.fromRobot(filtered.action) });
    return filtered;
  }

  async emergencyStop(reason: string): Promise<void> {
    await this.twin.emergencyStop(reason);
    await this.real.emergencyStop(reason);
  }

  async disconnect(): Promise<void> {
    await this.real.disconnect();
    await this.twin.disconnect();
  }
}
