/**
 * Quaternion helpers and joint coordinates computed from body states. Joints are maximal-coordinate
 * (Rapier impulse joints), so a joint's position is read from the relative pose of its two bodies:
 * the angle about the axis for a revolute joint, the displacement along it for a prismatic one.
 * The rest pose (joint position 0) is the one in which both bodies have the same orientation.
 */
import { BODY_STATE_SIZE, type Quat, type SceneDescription, type Vec3 } from './scene.ts';

/** Rotates v by the unit quaternion q (x, y, z, w). */
export function rotate(q: ArrayLike<number>, v: ArrayLike<number>): Vec3 {
  const qx = q[0]!, qy = q[1]!, qz = q[2]!, qw = q[3]!;
  const vx = v[0]!, vy = v[1]!, vz = v[2]!;
  // t = 2 q.xyz × v ; v' = v + w t + q.xyz × t
  const tx = 2 * (qy * vz - qz * vy);
  const ty = 2 * (qz * vx - qx * vz);
  const tz = 2 * (qx * vy - qy * vx);
  return [
    vx + qw * tx + (qy * tz - qz * ty),
    vy + qw * ty + (qz * tx - qx * tz),
    vz + qw * tz + (qx * ty - qy * tx),
  ];
}

/** Rotates v by the inverse of q. */
export function rotateInverse(q: ArrayLike<number>, v: ArrayLike<number>): Vec3 {
  return rotate([-q[0]!, -q[1]!, -q[2]!, q[3]!], v);
}

export function multiply(a: ArrayLike<number>, b: ArrayLike<number>): Quat {
  const ax = a[0]!, ay = a[1]!, az = a[2]!, aw = a[3]!;
  const bx = b[0]!, by = b[1]!, bz = b[2]!, bw = b[3]!;
  return [
    aw * bx + ax * bw + ay * bz - az * by,
    aw * by - ax * bz + ay * bw + az * bx,
    aw * bz + ax * by - ay * bx + az * bw,
    aw * bw - ax * bx - ay * by - az * bz,
  ];
}

export function axisAngle(axis: Vec3, angle: number): Quat {
  const s = Math.sin(angle / 2);
  return [axis[0] * s, axis[1] * s, axis[2] * s, Math.cos(angle / 2)];
}

/** Reads the body at `index` out of a state vector. */
export function bodyPosition(state: ArrayLike<number>, index: number): Vec3 {
  const o = index * BODY_STATE_SIZE;
  return [state[o]!, state[o + 1]!, state[o + 2]!];
}

export function bodyRotation(state: ArrayLike<number>, index: number): Quat {
  const o = index * BODY_STATE_SIZE + 3;
  return [state[o]!, state[o + 1]!, state[o + 2]!, state[o + 3]!];
}

export function bodyLinearVelocity(state: ArrayLike<number>, index: number): Vec3 {
  const o = index * BODY_STATE_SIZE + 7;
  return [state[o]!, state[o + 1]!, state[o + 2]!];
}

export function bodyAngularVelocity(state: ArrayLike<number>, index: number): Vec3 {
  const o = index * BODY_STATE_SIZE + 10;
  return [state[o]!, state[o + 1]!, state[o + 2]!];
}

/** What an IMU on a floating base reads: velocities and gravity's direction in the base frame, and its height. */
export function baseFrame(base: number) {
  const rotation = (s: ArrayLike<number>) => bodyRotation(s, base);
  return {
    velocity: (s: ArrayLike<number>): Vec3 => rotateInverse(rotation(s), bodyLinearVelocity(s, base)),
    rate: (s: ArrayLike<number>): Vec3 => rotateInverse(rotation(s), bodyAngularVelocity(s, base)),
    gravity: (s: ArrayLike<number>): Vec3 => rotateInverse(rotation(s), [0, 0, -1]),
    height: (s: ArrayLike<number>): number => bodyPosition(s, base)[2],
  };
}

/** Writes a body's pose and velocity into a state vector. */
export function writeBody(
  state: Float64Array,
  index: number,
  position: Vec3,
  rotation: Quat = [0, 0, 0, 1],
  linearVelocity: Vec3 = [0, 0, 0],
  angularVelocity: Vec3 = [0, 0, 0],
): void {
  state.set([...position, ...rotation, ...linearVelocity, ...angularVelocity], index * BODY_STATE_SIZE);
}

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  return a[0]! * b[0]! + a[1]! * b[1]! + a[2]! * b[2]!;
}

function worldAnchor(state: ArrayLike<number>, body: number, anchor: Vec3): Vec3 {
  const p = bodyPosition(state, body);
  const r = rotate(bodyRotation(state, body), anchor);
  return [p[0] + r[0], p[1] + r[1], p[2] + r[2]];
}

/** Joint position (rad or m) of joint `j`, read from the body states. */
export function jointPosition(scene: SceneDescription, state: ArrayLike<number>, j: number): number {
  const joint = scene.joints[j]!;
  const qp = bodyRotation(state, joint.parent);
  if (joint.type === 'revolute') {
    const rel = multiply([-qp[0], -qp[1], -qp[2], qp[3]], bodyRotation(state, joint.child));
    const angle = 2 * Math.atan2(dot(rel, joint.axis), rel[3]);
    // Wrap to (-π, π].
    return angle > Math.PI ? angle - 2 * Math.PI : angle <= -Math.PI ? angle + 2 * Math.PI : angle;
  }
  if (joint.type === 'prismatic') {
    const a = worldAnchor(state, joint.parent, joint.anchorParent);
    const b = worldAnchor(state, joint.child, joint.anchorChild);
    return dot(rotateInverse(qp, [b[0] - a[0], b[1] - a[1], b[2] - a[2]]), joint.axis);
  }
  return 0;
}

/** Joint velocity (rad/s or m/s) of joint `j`, read from the body states. */
export function jointVelocity(scene: SceneDescription, state: ArrayLike<number>, j: number): number {
  const joint = scene.joints[j]!;
  const axis = rotate(bodyRotation(state, joint.parent), joint.axis);
  if (joint.type === 'revolute') {
    const wp = bodyAngularVelocity(state, joint.parent);
    const wc = bodyAngularVelocity(state, joint.child);
    return dot([wc[0] - wp[0], wc[1] - wp[1], wc[2] - wp[2]], axis);
  }
  if (joint.type === 'prismatic') {
    const vp = bodyLinearVelocity(state, joint.parent);
    const vc = bodyLinearVelocity(state, joint.child);
    return dot([vc[0] - vp[0], vc[1] - vp[1], vc[2] - vp[2]], axis);
  }
  return 0;
}
