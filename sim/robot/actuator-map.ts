/**
 * How a task's actions reach a robot that is not the task's own simulated one: each scene actuator is
 * matched to the robot's actuator on the joint of the same name and kind; a motor's ctrl becomes the
 * robot's torque (ctrl · scene gear / robot gear). Robot actuators the task does not drive hold still
 * (position actuators at the joint's current position, the others at zero).
 */
import type { SceneDescription } from '../scene.ts';
import type { RobotCapabilities, RobotState } from './robot.ts';

const KIND = { motor: 'torque', position: 'position', velocity: 'velocity' } as const;

export class ActuatorMap {
  /** For each scene actuator: the robot actuator index and the factor from ctrl to the robot's units. */
  private readonly targets: { index: number; scale: number }[];
  /** Robot actuators no scene actuator drives, with the reading entry of their joint. */
  private readonly idle: { index: number; joint: number; position: boolean }[];
  readonly size: number;

  /** Throws naming every scene actuator the robot cannot take. */
  constructor(scene: SceneDescription, robot: RobotCapabilities) {
    const problems: string[] = [];
    this.targets = scene.actuators.map((a) => {
      const joint = scene.joints[a.joint]!.name;
      const kind = KIND[a.kind ?? 'motor'];
      const index = robot.actuators.findIndex((r) => r.joint === joint);
      const target = robot.actuators[index];
      if (!target) problems.push(`no actuator on joint '${joint}' (task actuator '${a.name}')`);
      else if (target.kind !== kind) problems.push(`joint '${joint}' takes ${target.kind} commands, the task sends ${kind}`);
      return { index, scale: kind === 'torque' ? a.gear / (target?.gear ?? 1) : 1 };
    });
    if (problems.length) throw new Error(`the robot does not fit task scene '${scene.name}': ${problems.join('; ')}`);
    const driven = new Set(this.targets.map((t) => t.index));
    this.idle = robot.actuators.flatMap((a, index) => (driven.has(index) ? [] : [{ index, joint: robot.joints.indexOf(a.joint), position: a.kind === 'position' }]));
    this.size = robot.actuators.length;
  }

  /** The robot command for a task action, given the robot's latest reading (for the actuators that hold). */
  toRobot(action: ArrayLike<number>, reading: RobotState): Float64Array {
    const command = new Float64Array(this.size);
    this.targets.forEach((t, i) => (command[t.index] = action[i]! * t.scale));
    for (const a of this.idle) command[a.index] = a.position && a.joint >= 0 ? reading.position[a.joint]! : 0;
    return command;
  }

  /** The task action a robot command amounts to (what the robot actually sent, in the task's units). */
  fromRobot(command: ArrayLike<number>): Float64Array {
    return Float64Array.from(this.targets, (t) => command[t.index]! / t.scale);
  }
}
