/**
 * Quaternion helpers and joint coordinates computed from body states. Joints are maximal-coordinate
 * (Rapier impulse joints), so a joint's position is read from the relative pose of its two bodies:
 * the angle about the axis for a revolute joint, the displacement along it for a prismatic one.
 * The rest pose (joint position 0) is the one in which both bodies have the same orientation.
 */
import { BODY_STATE_SIZE, type Quat, type SceneDescription, type Vec3 } from './scene.ts';

/** Scratch for rotate() and multiply(), which return fresh arrays. */
const rotated = new Float64Array(3);
const multiplied = new Float64Array(4);

/** Rotates v by the unit quaternion q (x, y, z, w). */
export function rotate(q: ArrayLike<number>, v: ArrayLike<number>): Vec3 {
  rotateInto(q[0]!, q[1]!, q[2]!, q[3]!, v[0]!, v[1]!, v[2]!, rotated);
  return [rotated[0]!, rotated[1]!, rotated[2]!];
}

/** Writes q (x, y, z, w) applied to v into `out`: rotate() without an array per call, for hot loops. */
export function rotateInto(qx: number, qy: number, qz: number, qw: number, vx: number, vy: number, vz: number, out: Float64Array): void {
  // t = 2 q.xyz × v ; v' = v + w t + q.xyz × t
  const tx = 2 * (qy * vz - qz * vy);
  const ty = 2 * (qz * vx - qx * vz);
  const tz = 2 * (qx * vy - qy * vx);
  out[0] = vx + qw * tx + (qy * tz - qz * ty);
  out[1] = vy + qw * ty + (qz * tx - qx * tz);
  out[2] = vz + qw * tz + (qx * ty - qy * tx);
}

/** Rotates v by the inverse of q. */
export function rotateInverse(q: ArrayLike<number>, v: ArrayLike<number>): Vec3 {
  return rotate([-q[0]!, -q[1]!, -q[2]!, q[3]!], v);
}

export function multiply(a: ArrayLike<number>, b: ArrayLike<number>): Quat {
  multiplyInto(a[0]!, a[1]!, a[2]!, a[3]!, b, multiplied, 0);
  return [multiplied[0]!, multiplied[1]!, multiplied[2]!, multiplied[3]!];
}

/** Writes the product (ax, ay, az, aw) · b into out[at..at+4]: multiply() without an array per call, for hot loops. */
export function multiplyInto(ax: number, ay: number, az: number, aw: number, b: ArrayLike<number>, out: Float64Array, at: number): void {
  const bx = b[0]!, by = b[1]!, bz = b[2]!, bw = b[3]!;
  out[at] = aw * bx + ax * bw + ay * bz - az * by;
  out[at + 1] = aw * by - ax * bz + ay * bw + az * bx;
  out[at + 2] = aw * bz + ax * by - ay * bx + az * bw;
  out[at + 3] = aw * bw - ax * bx - ay * by - az * bz;
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

/** Writes a body-fixed anchor's world position into `out`. */
function worldAnchorInto(state: ArrayLike<number>, body: number, anchor: Vec3, out: Float64Array): void {
  const o = body * BODY_STATE_SIZE;
  rotateInto(state[o + 3]!, state[o + 4]!, state[o + 5]!, state[o + 6]!, anchor[0], anchor[1], anchor[2], out);
  out[0] = state[o]! + out[0]!;
  out[1] = state[o + 1]! + out[1]!;
  out[2] = state[o + 2]! + out[2]!;
}

/** Scratch for jointPosition's prismatic joints (planners read joint positions every rollout step). */
const anchorA = new Float64Array(3);
const anchorB = new Float64Array(3);
const offset = new Float64Array(3);

/**
 * Joint position (rad or m) of joint `j`, read from the body states. Scalar arithmetic without
 * temporary arrays: planners call it for every joint of every rollout step.
 */
export function jointPosition(scene: SceneDescription, state: ArrayLike<number>, j: number): number {
  const joint = scene.joints[j]!;
  const p = joint.parent * BODY_STATE_SIZE;
  const c = joint.child * BODY_STATE_SIZE;
  // Parent rotation conjugated: (−x, −y, −z, w).
  const px = -state[p + 3]!, py = -state[p + 4]!, pz = -state[p + 5]!, pw = state[p + 6]!;
  const axis = joint.axis;
  const ax = axis[0], ay = axis[1], az = axis[2];
  if (joint.type === 'revolute') {
    const cx = state[c + 3]!, cy = state[c + 4]!, cz = state[c + 5]!, cw = state[c + 6]!;
    // rel = conj(q_parent) · q_child; angle = 2 atan2(rel.xyz · axis, rel.w).
    const rx = pw * cx + px * cw + py * cz - pz * cy;
    const ry = pw * cy - px * cz + py * cw + pz * cx;
    const rz = pw * cz + px * cy - py * cx + pz * cw;
    const rw = pw * cw - px * cx - py * cy - pz * cz;
    const angle = 2 * Math.atan2(rx * ax + ry * ay + rz * az, rw);
    // Wrap to (-π, π].
    return angle > Math.PI ? angle - 2 * Math.PI : angle <= -Math.PI ? angle + 2 * Math.PI : angle;
  }
  if (joint.type === 'prismatic') {
    // The child's anchor relative to the parent's, in the parent's frame, along the axis.
    worldAnchorInto(state, joint.parent, joint.anchorParent, anchorA);
    worldAnchorInto(state, joint.child, joint.anchorChild, anchorB);
    rotateInto(px, py, pz, pw, anchorB[0]! - anchorA[0]!, anchorB[1]! - anchorA[1]!, anchorB[2]! - anchorA[2]!, offset);
    return offset[0]! * ax + offset[1]! * ay + offset[2]! * az;
  }
  return 0;
}

/** Joint velocity (rad/s or m/s) of joint `j`, read from the body states (scalar arithmetic, as jointPosition). */
export function jointVelocity(scene: SceneDescription, state: ArrayLike<number>, j: number): number {
  const joint = scene.joints[j]!;
  const linear = joint.type === 'prismatic';
  if (!linear && joint.type !== 'revolute') return 0;
  const p = joint.parent * BODY_STATE_SIZE;
  const c = joint.child * BODY_STATE_SIZE;
  // The axis in the world: the parent's rotation applied to it (as rotate() does).
  const qx = state[p + 3]!, qy = state[p + 4]!, qz = state[p + 5]!, qw = state[p + 6]!;
  const axis = joint.axis;
  const vx = axis[0], vy = axis[1], vz = axis[2];
  const tx = 2 * (qy * vz - qz * vy), ty = 2 * (qz * vx - qx * vz), tz = 2 * (qx * vy - qy * vx);
  const wx = vx + qw * tx + (qy * tz - qz * ty);
  const wy = vy + qw * ty + (qz * tx - qx * tz);
  const wz = vz + qw * tz + (qx * ty - qy * tx);
  // Relative angular (revolute) or linear (prismatic) velocity of the child, along the axis.
  const o = linear ? 7 : 10;
  return (state[c + o]! - state[p + o]!) * wx + (state[c + o + 1]! - state[p + o + 1]!) * wy + (state[c + o + 2]! - state[p + o + 2]!) * wz;
}
