/**
 * A scene body's own damping in MuJoCo. Rapier damps a body's velocities directly (`linearDamping`,
 * `angularDamping`: v ← v / (1 + dt·c) each step); MuJoCo damps only degrees of freedom. So each damped
 * body adds to the damping of every dof that moves it the diagonal of Jᵀ·diag(m·c_lin, I·c_ang)·J — J the
 * Jacobian of the body's centre of mass and rotation, m and I its mass and inertia as MuJoCo compiled
 * them, at the pose the world was built in. For a body on slides (the push-box pusher on its carriage)
 * or on one hinge (the pendulum) that is exact; on a chain of hinges the coupling between dofs, and its
 * change with the pose, is left out.
 */

/* eslint-disable @typescript-eslint/no-explicit-any -- mujoco-js types its models and data as `any` */
type MjModel = any;
type MjData = any;

/** mjtJoint. */
const FREE = 0;
const BALL = 1;
const SLIDE = 2;

export interface DampedBody {
  /** MuJoCo body id. */
  id: number;
  linear: number;
  angular: number;
}

/**
 * Adds the damping of `bodies` to `model.dof_damping`. `data` must hold the kinematics (mj_kinematics
 * or mj_forward) of the pose the damping is taken at.
 */
export function addBodyDamping(model: MjModel, data: MjData, bodies: readonly DampedBody[]): void {
  const damping = model.dof_damping as Float64Array;
  const mass = model.body_mass as Float64Array;
  const inertia = model.body_inertia as Float64Array;
  const parent = model.body_parentid as Int32Array;
  const jntAdr = model.body_jntadr as Int32Array;
  const jntNum = model.body_jntnum as Int32Array;
  const jntType = model.jnt_type as Int32Array;
  const dofAdr = model.jnt_dofadr as Int32Array;
  const xpos = data.xpos as Float64Array;
  const xmat = data.xmat as Float64Array;
  const xipos = data.xipos as Float64Array;
  const ximat = data.ximat as Float64Array;
  const xanchor = data.xanchor as Float64Array;
  const xaxis = data.xaxis as Float64Array;
  const add = (dof: number, value: number) => (damping[dof] = damping[dof]! + value);
  for (const { id, linear, angular } of bodies) {
    const m = mass[id]!;
    const com = [xipos[3 * id]!, xipos[3 * id + 1]!, xipos[3 * id + 2]!];
    /** The body's damping along a rotation about world axis `a` through point p. */
    const rotational = (a: readonly number[], p: ArrayLike<number>, at: number): number => {
      const r = [com[0]! - p[at]!, com[1]! - p[at + 1]!, com[2]! - p[at + 2]!];
      const v = [a[1]! * r[2]! - a[2]! * r[1]!, a[2]! * r[0]! - a[0]! * r[2]!, a[0]! * r[1]! - a[1]! * r[0]!];
      let spin = 0;
      // Iₐ = Σ_k I_k (a · e_k)², e_k the principal axes (columns of ximat).
      for (let k = 0; k < 3; k++) spin += inertia[3 * id + k]! * (a[0]! * ximat[9 * id + k]! + a[1]! * ximat[9 * id + 3 + k]! + a[2]! * ximat[9 * id + 6 + k]!) ** 2;
      return linear * m * (v[0]! ** 2 + v[1]! ** 2 + v[2]! ** 2) + angular * spin;
    };
    /** Column k of a 3×3 rotation (row-major) at `at`: a frame's k-th axis in the world. */
    const column = (mat: Float64Array, at: number, k: number) => [mat[at + k]!, mat[at + 3 + k]!, mat[at + 6 + k]!];
    for (let b = id; b > 0; b = parent[b]!) {
      for (let j = jntAdr[b]!; j < jntAdr[b]! + jntNum[b]!; j++) {
        const dof = dofAdr[j]!;
        switch (jntType[j]) {
          case FREE:
            for (let k = 0; k < 3; k++) add(dof + k, linear * m);
            // Rotations about the body's own axes, through its origin.
            for (let k = 0; k < 3; k++) add(dof + 3 + k, rotational(column(xmat, 9 * b, k), xpos, 3 * b));
            break;
          case BALL:
            for (let k = 0; k < 3; k++) add(dof + k, rotational(column(xmat, 9 * b, k), xanchor, 3 * j));
            break;
          case SLIDE:
            add(dof, linear * m);
            break;
          default:
            add(dof, rotational([xaxis[3 * j]!, xaxis[3 * j + 1]!, xaxis[3 * j + 2]!], xanchor, 3 * j));
        }
      }
    }
  }
}
