/** Inertia tensors: combining bodies (parallel-axis theorem) and principal axes (Jacobi eigenvalues). */
import type { Quat, Vec3 } from '../scene.ts';
import { rotate } from '../kinematics.ts';

/** Symmetric 3×3 matrix, row-major. */
export type Matrix3 = [number, number, number, number, number, number, number, number, number];

export function fromComponents([ixx, iyy, izz, ixy, ixz, iyz]: readonly number[]): Matrix3 {
  return [ixx!, ixy!, ixz!, ixy!, iyy!, iyz!, ixz!, iyz!, izz!];
}

/** R · I · Rᵀ for the rotation q. */
export function rotateInertia(I: Matrix3, q: Quat): Matrix3 {
  const cols = [rotate(q, [1, 0, 0]), rotate(q, [0, 1, 0]), rotate(q, [0, 0, 1])];
  const out = new Array(9).fill(0) as Matrix3;
  for (let r = 0; r < 3; r++)
    for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += cols[i]![r]! * I[i * 3 + j]! * cols[j]![c]!;
      out[r * 3 + c] = s;
    }
  return out;
}

/** Inertia of a point mass m at offset d: m(|d|²E − d dᵀ). */
export function parallelAxis(m: number, d: Vec3): Matrix3 {
  const [x, y, z] = d;
  const n = x * x + y * y + z * z;
  return [m * (n - x * x), -m * x * y, -m * x * z, -m * x * y, m * (n - y * y), -m * y * z, -m * x * z, -m * y * z, m * (n - z * z)];
}

export function add(a: Matrix3, b: Matrix3): Matrix3 {
  return a.map((v, i) => v + b[i]!) as Matrix3;
}

/** Eigenvalues and the rotation whose columns are the eigenvectors (cyclic Jacobi). */
export function principalAxes(I: Matrix3): { principal: Vec3; frame: Quat } {
  const a = [...I];
  const v = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  for (let sweep = 0; sweep < 50; sweep++) {
    const off = a[1]! ** 2 + a[2]! ** 2 + a[5]! ** 2;
    if (off < 1e-30) break;
    for (const [p, q] of [[0, 1], [0, 2], [1, 2]] as const) {
      const apq = a[p * 3 + q]!;
      if (Math.abs(apq) < 1e-300) continue;
      const theta = (a[q * 3 + q]! - a[p * 3 + p]!) / (2 * apq);
      const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
      const c = 1 / Math.sqrt(t * t + 1);
      const s = t * c;
      for (let k = 0; k < 3; k++) {
        const akp = a[k * 3 + p]!, akq = a[k * 3 + q]!;
        a[k * 3 + p] = c * akp - s * akq;
        a[k * 3 + q] = s * akp + c * akq;
      }
      for (let k = 0; k < 3; k++) {
        const apk = a[p * 3 + k]!, aqk = a[q * 3 + k]!;
        a[p * 3 + k] = c * apk - s * aqk;
        a[q * 3 + k] = s * apk + c * aqk;
      }
      for (let k = 0; k < 3; k++) {
        const vkp = v[k * 3 + p]!, vkq = v[k * 3 + q]!;
        v[k * 3 + p] = c * vkp - s * vkq;
        v[k * 3 + q] = s * vkp + c * vkq;
      }
    }
  }
  // Make the eigenvector basis right-handed, then convert it to a quaternion.
  const det = v[0]! * (v[4]! * v[8]! - v[5]! * v[7]!) - v[1]! * (v[3]! * v[8]! - v[5]! * v[6]!) + v[2]! * (v[3]! * v[7]! - v[4]! * v[6]!);
  if (det < 0) for (let k = 0; k < 3; k++) v[k * 3 + 2] = -v[k * 3 + 2]!;
  return { principal: [Math.max(a[0]!, 1e-12), Math.max(a[4]!, 1e-12), Math.max(a[8]!, 1e-12)], frame: matrixToQuat(v) };
}

function matrixToQuat(m: number[]): Quat {
  const [m00, m01, m02, m10, m11, m12, m20, m21, m22] = m as [number, number, number, number, number, number, number, number, number];
  const trace = m00 + m11 + m22;
  let q: Quat;
  if (trace > 0) {
    const s = 0.5 / Math.sqrt(trace + 1);
    q = [(m21 - m12) * s, (m02 - m20) * s, (m10 - m01) * s, 0.25 / s];
  } else if (m00 > m11 && m00 > m22) {
    const s = 2 * Math.sqrt(1 + m00 - m11 - m22);
    q = [0.25 * s, (m01 + m10) / s, (m02 + m20) / s, (m21 - m12) / s];
  } else if (m11 > m22) {
    const s = 2 * Math.sqrt(1 + m11 - m00 - m22);
    q = [(m01 + m10) / s, 0.25 * s, (m12 + m21) / s, (m02 - m20) / s];
  } else {
    const s = 2 * Math.sqrt(1 + m22 - m00 - m11);
    q = [(m02 + m20) / s, (m12 + m21) / s, 0.25 * s, (m10 - m01) / s];
  }
  const n = Math.hypot(...q);
  return q.map((x) => x / n) as Quat;
}
