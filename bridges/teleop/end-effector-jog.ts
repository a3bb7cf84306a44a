/**
 * End-effector jogging through the robot model's kinematics: a small Cartesian move of the tool point
 * (world frame, m) becomes joint moves by damped least squares on the positional Jacobian, as
 * LeRobot's and MoveIt's jog servers do for a few millimetres at a time. The Jacobian is taken by
 * finite differences of forward kinematics (sim/robot/pose-state.ts) at the present joint positions,
 * so it works for any URDF/MJCF chain; joints that do not move the tool (a gripper) get no motion.
 */
import { bodyPosition } from '../../sim/kinematics.ts';
import { stateFromJointPositions } from '../../sim/robot/pose-state.ts';
import type { SceneDescription, Vec3 } from '../../sim/scene.ts';

/** Finite-difference step (rad or m). */
const H = 1e-5;
/** Damping: near a singularity the step shrinks instead of blowing up (m). */
const LAMBDA = 0.01;

/** Names a tool body goes by, best first: a tool frame (ee_link, tcp …), else the hand the gripper jaw hangs from. */
const TOOL_NAMES = [/gripper_?frame|end_?effector|ee_?link|^tool0?$|tcp/i, /^(gripper|hand)(_link)?$/i];

export class EndEffectorJog {
  /** The body whose origin is the tool point. */
  readonly body: number;

  /** Picks the tool body by name (a fixed tool frame merged into its link leaves the link), else the body deepest in the joint tree. */
  constructor(readonly scene: SceneDescription) {
    const named = TOOL_NAMES.map((re) => scene.bodies.findIndex((b) => re.test(b.name))).find((i) => i >= 0);
    this.body = named ?? deepest(scene);
  }

  get bodyName(): string {
    return this.scene.bodies[this.body]!.name;
  }

  /** The tool point (world, m) with the scene's joints at `q` (scene.joints order). */
  toolPoint(q: ArrayLike<number>): Vec3 {
    return bodyPosition(stateFromJointPositions(this.scene, q), this.body);
  }

  /**
   * Joint positions (scene.joints order) that move the tool by `delta` (world, m) from `q`, to first
   * order; `movable[j]` false keeps joint j still.
   */
  step(q: ArrayLike<number>, delta: Vec3, movable: (j: number) => boolean = () => true): Float64Array {
    const n = this.scene.joints.length;
    const base = Float64Array.from({ length: n }, (_, j) => q[j] ?? 0);
    const p0 = this.toolPoint(base);
    // Positional Jacobian, 3 × n.
    const J: Vec3[] = [];
    for (let j = 0; j < n; j++) {
      const type = this.scene.joints[j]!.type;
      if (!movable(j) || (type !== 'revolute' && type !== 'prismatic')) {
        J.push([0, 0, 0]);
        continue;
      }
      const qj = base.slice();
      qj[j]! += H;
      const p = this.toolPoint(qj);
      J.push([(p[0] - p0[0]) / H, (p[1] - p0[1]) / H, (p[2] - p0[2]) / H]);
    }
    // dq = Jᵀ (J Jᵀ + λ² I)⁻¹ delta
    const A = [0, 0, 0, 0, 0, 0, 0, 0, 0];
    for (const c of J) for (let r = 0; r < 3; r++) for (let k = 0; k < 3; k++) A[r * 3 + k]! += c[r]! * c[k]!;
    for (let r = 0; r < 3; r++) A[r * 4]! += LAMBDA * LAMBDA;
    const y = solve3(A, delta);
    return Float64Array.from(base, (v, j) => v + J[j]![0] * y[0] + J[j]![1] * y[1] + J[j]![2] * y[2]);
  }
}

/** The body with the most joints between it and the root. */
function deepest(scene: SceneDescription): number {
  const parentOf = new Map(scene.joints.map((j) => [j.child, j.parent]));
  let best = 0;
  let bestDepth = -1;
  scene.bodies.forEach((_, b) => {
    let depth = 0;
    for (let x = parentOf.get(b); x !== undefined; x = parentOf.get(x)) depth++;
    if (depth > bestDepth) [best, bestDepth] = [b, depth];
  });
  return best;
}

/** Solves the symmetric 3 × 3 system A x = b (row-major) by Cramer's rule. */
function solve3(A: number[], b: Vec3): Vec3 {
  const [a, bb, c, d, e, f, g, h, i] = A as [number, number, number, number, number, number, number, number, number];
  const det = a * (e * i - f * h) - bb * (d * i - f * g) + c * (d * h - e * g);
  const x = (b[0] * (e * i - f * h) - bb * (b[1] * i - f * b[2]) + c * (b[1] * h - e * b[2])) / det;
  const y = (a * (b[1] * i - f * b[2]) - b[0] * (d * i - f * g) + c * (d * b[2] - b[1] * g)) / det;
  const z = (a * (e * b[2] - b[1] * h) - bb * (d * b[2] - b[1] * g) + b[0] * (d * h - e * g)) / det;
  return [x, y, z];
}
