/**
 * Dry joint friction (MJCF `frictionloss`, URDF `<dynamics friction>`) as a stick–slip spring on the
 * joint's Rapier motor: the motor pulls the joint towards a stick point with at most the friction force.
 * While the joint slides, the stick point trails it at the spring's full stretch, so the motor opposes
 * the motion with exactly the friction force; when the load drops below it, the joint sticks. A motor
 * that only brakes the velocity lets a loaded joint creep by one step of acceleration every step
 * (measured: docs/physics.md), which a position-level stick point does not.
 */
import type { UnitImpulseJoint } from '@dimforge/rapier3d-simd-compat';

/** How far the joint moves (rad or m) from where it stuck before it counts as sliding. */
const STICK_STRETCH = 1e-3;
/**
 * The stick spring, in acceleration units (the motor is acceleration-based, so it is as stiff on a light
 * link as on a heavy one): 100 Hz, critically damped. Its force is capped at the friction force.
 */
const STICK_OMEGA = 2 * Math.PI * 100;

export class JointFriction {
  private stick = 0;
  /** What the motor was last given, so a joint that stays stuck costs no calls into Rapier. */
  private sentStick = NaN;
  private sentCap = NaN;

  constructor(
    private readonly unit: UnitImpulseJoint,
    private readonly force: number,
    /** Viscous joint damping: the motor's force cap grows by damping · speed, so a sliding joint feels it too. */
    private readonly damping: number,
  ) {}

  /** Sticks where the joint is now (after the state was set from outside). */
  reset(position: number): void {
    this.stick = position;
  }

  /** Whether `update` needs the joint's speed (only viscous damping makes the cap depend on it). */
  get usesSpeed(): boolean {
    return this.damping > 0;
  }

  /** Before a step: drags the stick point along with a sliding joint and sets the motor. */
  update(position: number, speed = 0): void {
    if (position - this.stick > STICK_STRETCH) this.stick = position - STICK_STRETCH;
    else if (this.stick - position > STICK_STRETCH) this.stick = position + STICK_STRETCH;
    if (this.stick !== this.sentStick) {
      this.unit.configureMotor(this.stick, 0, STICK_OMEGA ** 2, 2 * STICK_OMEGA);
      this.sentStick = this.stick;
    }
    const cap = this.force + this.damping * Math.abs(speed);
    if (cap !== this.sentCap) {
      this.unit.setMotorMaxForce(cap);
      this.sentCap = cap;
    }
  }
}
