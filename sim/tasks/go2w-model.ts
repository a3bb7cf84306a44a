/**
 * Unitree Go2-W (the wheel-legged Go2) built from the Go2 URDF we ship: each foot becomes a wheel on a
 * continuous joint `<leg>_foot_joint` about the calf's y axis, as Unitree's go2w_description has it
 * (axle 0.2264 m down the calf, wheel 0.52 kg with iyy 0.0012 kg·m², a 0.646 kg hub motor fixed to the
 * calf; joint effort 23.7 N·m, 30.1 rad/s). Its wheel mesh is not in our assets, so the wheel collides as
 * a 7-inch cylinder (r = 8.89 cm). Measured choice: the robot_lab policy cannot observe its linear speed
 * (no base velocity in its observation), so the wheel speeds it commands carry the radius it was trained
 * with — at 8.89 cm it drives 0.48 m/s when asked for 0.5; at the 6.8 cm a solid disc of the URDF's
 * inertia would have, 0.37 m/s (docs/neural.md).
 *
 * Actuators are set as rl_sar runs the robot_lab Go2-W policy: legs are position servos, wheels velocity
 * servos, with the gains given (defaults: kp 20 and kd 0.5 for legs, kd 0.5 for wheels, ±23.5 N·m).
 */
import { axisAngle } from '../kinematics.ts';
import type { RobotModel } from '../robot/robot-model.ts';
import { go2Servos, GO2_SERVO } from './go2-stand.ts';

export const GO2W_LEGS = ['FR', 'FL', 'RR', 'RL'] as const;
const AXLE_DOWN_CALF = 0.2264;
const WHEEL_MASS = 0.52;
const WHEEL_IYY = 0.0012;
const WHEEL_IXX = 0.0007;
export const WHEEL_RADIUS = 0.0889;
const WHEEL_HALF_WIDTH = 0.02;
/** The wheel sits outboard of its joint: go2w_description puts its centre of mass 6 cm out along the axle. */
const WHEEL_OUTBOARD = 0.06;
const HUB_MASS = 0.646;
const WHEEL_EFFORT = 23.7;
const WHEEL_SPEED = 30.1;

export interface Go2WGains {
  legKp: number;
  legKd: number;
  wheelKd: number;
}

export const GO2W_GAINS: Go2WGains = { legKp: 20, legKd: 0.5, wheelKd: 0.5 };

/** Turns an imported Go2 model into a Go2-W in place. */
export function toGo2W(model: RobotModel, gains: Go2WGains = GO2W_GAINS): void {
  model.name = 'go2w';
  const axleAlongY = axisAngle([1, 0, 0], Math.PI / 2);
  for (const leg of GO2W_LEGS) {
    const joint = model.joints.find((j) => j.name === `${leg}_foot_joint`);
    if (!joint) throw new Error(`go2w: the Go2 model has no joint '${leg}_foot_joint'`);
    Object.assign(joint, {
      type: 'continuous',
      origin: { position: [0, 0, -AXLE_DOWN_CALF], rotation: [0, 0, 0, 1] },
      axis: [0, 1, 0],
      limits: { effort: WHEEL_EFFORT, velocity: WHEEL_SPEED },
    });
    const wheel = model.links[joint.child]!;
    const centre: [number, number, number] = [0, leg.endsWith('L') ? WHEEL_OUTBOARD : -WHEEL_OUTBOARD, 0];
    wheel.inertial = { mass: WHEEL_MASS, com: centre, inertia: [WHEEL_IXX, WHEEL_IYY, WHEEL_IXX, 0, 0, 0] };
    wheel.geoms = [{
      role: 'both',
      geometry: { type: 'cylinder', radius: WHEEL_RADIUS, halfLength: WHEEL_HALF_WIDTH },
      pose: { position: centre, rotation: axleAlongY },
      rgba: [0.1, 0.1, 0.1, 1],
      friction: 1,
    }];
    // The hub motor rides on the calf: a massive link welded to it (merged into the calf's body).
    const calf = joint.parent;
    model.links.push({ name: `${leg}_foot_motor`, parentJoint: model.joints.length, geoms: [], inertial: { mass: HUB_MASS, com: [0, 0, 0], inertia: [0.001, 0.0016, 0.001, 0, 0, 0] } });
    model.joints.push({
      name: `${leg}_foot_motor_joint`,
      type: 'fixed',
      parent: calf,
      child: model.links.length - 1,
      origin: { position: [0, 0, -AXLE_DOWN_CALF], rotation: [0, 0, 0, 1] },
      axis: [0, 0, 0],
      damping: 0,
      friction: 0,
      armature: 0,
    });
  }
  go2Servos(model, { kp: gains.legKp, kv: gains.legKd });
  for (const leg of GO2W_LEGS) {
    const limit = GO2_SERVO.forceLimit;
    model.actuators.push({ name: `${leg}_foot_joint`, joint: `${leg}_foot_joint`, kind: 'velocity', gear: 1, kv: gains.wheelKd, ctrlRange: [-WHEEL_SPEED, WHEEL_SPEED], forceRange: [-limit, limit] });
  }
}
