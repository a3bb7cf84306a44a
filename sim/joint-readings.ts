/**
 * What the studio's joint table shows for every joint: position, velocity and the force its actuator
 * applies, computed from the state and the command with the actuator models of protocol/scene.ts
 * (MuJoCo's actuator_force): motor gear·ctrl; position servo kp·(ctrl − q) − kv·q̇; velocity servo
 * kv·(ctrl − q̇); commands clamped to ctrlRange, servo forces to ±forceLimit. Joint damping and
 * friction are passive forces, not the actuator's, and are left out as MuJoCo leaves them out.
 */
import { jointPosition, jointVelocity } from './kinematics.ts';
import type { SceneDescription } from './scene.ts';

export interface JointReadings {
  position: number[];
  velocity: number[];
  torque: number[];
}

export function jointReadings(scene: SceneDescription, state: ArrayLike<number>, ctrl: ArrayLike<number>): JointReadings {
  const n = scene.joints.length;
  const position = Array.from({ length: n }, (_, j) => jointPosition(scene, state, j));
  const velocity = Array.from({ length: n }, (_, j) => jointVelocity(scene, state, j));
  const torque = new Array<number>(n).fill(0);
  scene.actuators.forEach((a, i) => {
    const [lo, hi] = a.ctrlRange;
    const u = Math.min(hi, Math.max(lo, ctrl[i] ?? 0));
    const q = position[a.joint]!;
    const dq = velocity[a.joint]!;
    const kind = a.kind ?? 'motor';
    let force = kind === 'motor' ? a.gear * u : kind === 'position' ? (a.kp ?? 0) * (u - q) - (a.kv ?? 0) * dq : (a.kv ?? 0) * (u - dq);
    if (kind !== 'motor' && a.forceLimit !== undefined) force = Math.min(a.forceLimit, Math.max(-a.forceLimit, force));
    torque[a.joint] = (torque[a.joint] ?? 0) + force;
  });
  return { position, velocity, torque };
}
