/**
 * How a policy's trainer drove the robot — joint order, default pose, PD gains, torque limits,
 * armature and rates — as plain data, so a robot scene can be built the way the policy was trained
 * (MuJoCo Playground and Isaac Lab set these in their configs, over what the robot file says).
 * Model cards carry it; `sim/` cannot read cards (models/ sits beside it), so whoever can registers
 * a reader (control/policy/card-drive-setup.ts) and free play asks for it by file name.
 */
import type { RobotModel } from './robot-model.ts';

export interface DriveSetup {
  /** The file it was read from, for messages. */
  source: string;
  joints: string[];
  /** What each joint's command is: a servo target, a velocity target or a torque. */
  types: ('position' | 'velocity' | 'torque')[];
  defaultPose: number[];
  stiffness: number[];
  /** The servo's derivative gain kv (Isaac Lab's actuator `damping`). */
  servoDamping: number[];
  /** Passive joint damping (MJCF joint `damping`); absent: the robot file's. */
  jointDamping?: number[];
  torqueLimit?: number[];
  armature?: number[];
  physicsHz: number;
  controlHz: number;
}

let reader: ((file: string) => DriveSetup) | undefined;

export function setDriveSetupReader(read: (file: string) => DriveSetup): void {
  reader = read;
}

export function readDriveSetup(file: string): DriveSetup {
  if (!reader) throw new Error(`cannot read ${file}: no model-card reader is loaded in this process (load the controllers first)`);
  return reader(file);
}

/**
 * Gives the card's joints the card's actuators: position servos with its kp, kd and torque limit,
 * velocity servos with its kd, or torque motors; and its armature and joint damping. Returns what it could not apply.
 */
export function applyDriveSetup(model: RobotModel, setup: DriveSetup): string[] {
  const problems: string[] = [];
  setup.joints.forEach((name, i) => {
    const joint = model.joints.find((j) => j.name === name);
    const actuator = model.actuators.find((a) => a.joint === name);
    if (!joint || !actuator) {
      problems.push(`${setup.source}: joint '${name}' ${joint ? 'has no actuator' : 'is not in the robot'}; its gains are not applied`);
      return;
    }
    const limit = setup.torqueLimit?.[i];
    const forceRange: [number, number] | undefined = limit !== undefined ? [-limit, limit] : actuator.forceRange;
    const type = setup.types[i]!;
    delete actuator.dampRatio;
    delete actuator.ctrlRange;
    if (type === 'position') Object.assign(actuator, { kind: 'position', kp: setup.stiffness[i]!, kv: setup.servoDamping[i]!, gear: 1 });
    else if (type === 'velocity') {
      const speed = joint.limits?.velocity ?? 100;
      Object.assign(actuator, { kind: 'velocity', kv: setup.servoDamping[i]!, gear: 1, ctrlRange: [-speed, speed] });
      delete actuator.kp;
    } else {
      Object.assign(actuator, { kind: 'motor', gear: 1, ...(limit !== undefined ? { ctrlRange: [-limit, limit] } : {}) });
      delete actuator.kp;
      delete actuator.kv;
    }
    if (forceRange) actuator.forceRange = forceRange;
    else delete actuator.forceRange;
    // The trainer's torque limit replaces the file's (URDF effort, MJCF actuatorfrcrange).
    if (limit !== undefined && joint.limits) delete joint.limits.effort;
    const armature = setup.armature?.[i];
    if (armature !== undefined) joint.armature = armature;
    const damping = setup.jointDamping?.[i];
    if (damping !== undefined) joint.damping = damping;
  });
  return problems;
}
