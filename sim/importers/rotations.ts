/** Rotation conventions of robot files, converted to (x, y, z, w) quaternions. */
import type { Quat, Vec3 } from '../scene.ts';
import { multiply } from '../kinematics.ts';

/** URDF roll-pitch-yaw: fixed-axis X then Y then Z, i.e. R = Rz(yaw) · Ry(pitch) · Rx(roll). */
export function rpyToQuat([roll, pitch, yaw]: Vec3): Quat {
  const cr = Math.cos(roll / 2), sr = Math.sin(roll / 2);
  const cp = Math.cos(pitch / 2), sp = Math.sin(pitch / 2);
  const cy = Math.cos(yaw / 2), sy = Math.sin(yaw / 2);
  return [
    sr * cp * cy - cr * sp * sy,
    cr * sp * cy + sr * cp * sy,
    cr * cp * sy - sr * sp * cy,
    cr * cp * cy + sr * sp * sy,
  ];
}

/** MJCF `quat` attribute order is w x y z. */
export function mjcfQuat(wxyz: number[]): Quat {
  const [w, x, y, z] = wxyz as [number, number, number, number];
  const n = Math.hypot(w, x, y, z) || 1;
  return [x / n, y / n, z / n, w / n];
}

/** MJCF `euler` with the default 'xyz' sequence (intrinsic rotations about moving axes). */
export function mjcfEuler(angles: Vec3, sequence = 'xyz'): Quat {
  let q: Quat = [0, 0, 0, 1];
  for (let i = 0; i < 3; i++) {
    const axis = sequence[i]!.toLowerCase();
    const a = angles[i]! / 2;
    const r: Quat = axis === 'x' ? [Math.sin(a), 0, 0, Math.cos(a)] : axis === 'y' ? [0, Math.sin(a), 0, Math.cos(a)] : [0, 0, Math.sin(a), Math.cos(a)];
    // Lower-case sequences are intrinsic (post-multiply); upper-case extrinsic (pre-multiply).
    q = sequence[i] === axis ? multiply(q, r) : multiply(r, q);
  }
  return q;
}

/** MJCF `axisangle`: x y z angle. */
export function mjcfAxisAngle([x, y, z, angle]: number[]): Quat {
  const n = Math.hypot(x!, y!, z!) || 1;
  const s = Math.sin(angle! / 2);
  return [(x! / n) * s, (y! / n) * s, (z! / n) * s, Math.cos(angle! / 2)];
}
