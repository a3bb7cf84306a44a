/**
 * The studio's drag-to-perturb, as MuJoCo simulate's Ctrl+drag: a critically damped spring pulls a
 * point of a body towards the target under the mouse. The spring is scaled by the mass it moves (the
 * body and every body hanging below it through joints), so a wheel and a whole robot respond alike
 * (about 1.5 Hz); the force is capped at 30 g times that mass so a far target cannot fling it.
 */
import { bodyAngularVelocity, bodyLinearVelocity, bodyPosition, bodyRotation, rotate } from '../sim/kinematics.ts';
import type { SceneDescription, Vec3 } from '../sim/scene.ts';
import type { PerturbTelemetry } from '../protocol/api.ts';

const OMEGA = 2 * Math.PI * 1.5;
const DAMPING_RATIO = 1;
const MAX_ACCELERATION = 30 * 9.81;

export class Perturbation {
  /** Mass the spring moves, kg. */
  readonly mass: number;

  constructor(
    scene: SceneDescription,
    bodyMass: (index: number) => number,
    readonly body: number,
    private anchor: Vec3,
    private target: Vec3,
  ) {
    if (scene.bodies[body]?.kind !== 'dynamic') throw new Error(`perturb: body ${body} is not a moving body of scene '${scene.name}'`);
    this.mass = subtree(scene, body).reduce((m, b) => m + bodyMass(b), 0);
  }

  moveTo(target: Vec3, anchor: Vec3): void {
    this.target = target;
    this.anchor = anchor;
  }

  /** The force (world frame) on the anchor point at this state. */
  force(state: ArrayLike<number>): PerturbTelemetry {
    const p = bodyPosition(state, this.body);
    const r = rotate(bodyRotation(state, this.body), this.anchor);
    const point: Vec3 = [p[0] + r[0], p[1] + r[1], p[2] + r[2]];
    // Velocity of the anchor point: v + ω × r.
    const v = bodyLinearVelocity(state, this.body);
    const w = bodyAngularVelocity(state, this.body);
    const vp = [v[0] + w[1] * r[2] - w[2] * r[1], v[1] + w[2] * r[0] - w[0] * r[2], v[2] + w[0] * r[1] - w[1] * r[0]];
    const force = [0, 1, 2].map((i) => this.mass * (OMEGA * OMEGA * (this.target[i]! - point[i]!) - 2 * DAMPING_RATIO * OMEGA * vp[i]!)) as Vec3;
    const magnitude = Math.hypot(...force);
    const limit = MAX_ACCELERATION * this.mass;
    if (magnitude > limit) for (let i = 0; i < 3; i++) force[i]! *= limit / magnitude;
    return { body: this.body, point, target: [...this.target], force };
  }
}

/** `body` and the bodies below it through joints. */
function subtree(scene: SceneDescription, body: number): number[] {
  const out = [body];
  for (let k = 0; k < out.length; k++) for (const j of scene.joints) if (j.parent === out[k] && !out.includes(j.child)) out.push(j.child);
  return out;
}
