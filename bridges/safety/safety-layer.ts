/**
 * The part of a real robot's send path no controller can skip: non-finite values hold the present
 * position, goals are clamped to the joint limits, to the speed limit over the time since the last
 * command, and to a maximum step from the present position (LeRobot's max_relative_target). Pure:
 * it only computes the command and counts what it changed.
 */
export interface JointSafety {
  min: number;
  max: number;
  /** rad/s; no speed clamp when absent. */
  velocity?: number;
}

export interface SafetyCounters {
  /** Entries clamped to a joint position limit. */
  positionClamps: number;
  /** Entries clamped by the speed limit. */
  velocityClamps: number;
  /** Entries clamped by the maximum step from the present position. */
  stepClamps: number;
  /** Commands with NaN or infinite entries (replaced by a hold). */
  nonFinite: number;
  /** Watchdog holds, watchdog torque-offs, emergency stops, fault trips, communication trips. */
  watchdogHolds: number;
  watchdogTorqueOffs: number;
  emergencyStops: number;
  faultTrips: number;
  communicationTrips: number;
}

export const zeroCounters = (): SafetyCounters => ({
  positionClamps: 0,
  velocityClamps: 0,
  stepClamps: 0,
  nonFinite: 0,
  watchdogHolds: 0,
  watchdogTorqueOffs: 0,
  emergencyStops: 0,
  faultTrips: 0,
  communicationTrips: 0,
});

export interface Filtered {
  action: Float64Array;
  clamped: number;
  overridden?: string;
}

export class SafetyLayer {
  readonly counters = zeroCounters();

  constructor(
    readonly joints: readonly JointSafety[],
    /** rad per command. */
    readonly maxStep: number,
  ) {}

  /**
   * @param present the latest measured positions
   * @param previous the last goal sent (for the speed limit), if any
   * @param dt seconds since that goal was sent
   */
  filter(action: Float64Array, present: Float64Array, previous: Float64Array | undefined, dt: number): Filtered {
    if (action.length !== this.joints.length) throw new Error(`command has ${action.length} values for ${this.joints.length} joints`);
    if (!action.every(Number.isFinite)) {
      this.counters.nonFinite++;
      return { action: Float64Array.from(present, (p, i) => clamp(p, this.joints[i]!.min, this.joints[i]!.max)), clamped: action.length, overridden: 'non-finite command: holding the present position' };
    }
    const out = new Float64Array(action.length);
    let clamped = 0;
    for (let i = 0; i < action.length; i++) {
      const j = this.joints[i]!;
      let goal = action[i]!;
      let changed = false;
      if (goal < j.min || goal > j.max) {
        goal = clamp(goal, j.min, j.max);
        this.counters.positionClamps++;
        changed = true;
      }
      if (j.velocity !== undefined && previous) {
        const reach = j.velocity * Math.max(dt, 1e-3);
        const p = previous[i]!;
        if (Math.abs(goal - p) > reach) {
          goal = clamp(goal, p - reach, p + reach);
          this.counters.velocityClamps++;
          changed = true;
        }
      }
      const here = present[i]!;
      if (Math.abs(goal - here) > this.maxStep) {
        goal = clamp(goal, here - this.maxStep, here + this.maxStep);
        this.counters.stepClamps++;
        changed = true;
      }
      out[i] = goal;
      if (changed) clamped++;
    }
    return { action: out, clamped };
  }
}

const clamp = (x: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, x));
