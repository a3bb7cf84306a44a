/**
 * What free play (`actuate run --robot`) reports, so a run says whether the robot stood, walked, fell
 * or blew up instead of "success" for all four. For every robot: the fastest joint, joints pushed past
 * their limits, and whether the simulation produced non-finite or absurd values. For a floating base
 * also: displacement, mean forward speed along the base heading, base height range, largest tilt, a
 * fall, and the error against the velocity command a policy was given.
 */
import { baseFrame, bodyAngularVelocity, bodyLinearVelocity, bodyPosition, bodyRotation, jointPosition, jointVelocity, rotate } from '../kinematics.ts';
import type { SceneDescription } from '../scene.ts';
import type { TaskMonitor } from '../task.ts';

/** Past this a joint counts as outside its limits (Rapier's limits are stiff constraints, not exact). */
export const LIMIT_TOLERANCE = 0.02;
/**
 * A body faster than this has blown up: 50 m/s is ten times a fall from 1 m, 300 rad/s is ten times a
 * quadruped's fastest joint (Go2: 30 rad/s). A healthy robot never gets near either.
 */
export const EXPLOSION_SPEED = 50;
export const EXPLOSION_SPIN = 300;
/** Seconds before the command tracking error is judged (the policy gets going). */
const TRACKING_SETTLE = 1;

export interface FallThresholds {
  /** Base height (m) below which the robot has fallen. */
  height: number;
  /** Tilt of the base's up axis from vertical (rad) past which it has fallen. */
  tilt: number;
}

export interface FreePlayMonitorSetup {
  scene: SceneDescription;
  /** The floating base body, if the robot has one. */
  base: number | undefined;
  fall: FallThresholds;
  /** Velocity command [vx, vy, yaw rate] in the base frame, for the tracking error. */
  command?: ArrayLike<number>;
}

/** The base's tilt: angle between its up axis and the world's. */
export function tilt(state: ArrayLike<number>, base: number): number {
  const up = rotate(bodyRotation(state, base), [0, 0, 1]);
  return Math.acos(Math.max(-1, Math.min(1, up[2])));
}

/** The state is not finite, or a body moves faster than any real robot part. */
export function blownUp(scene: SceneDescription, state: ArrayLike<number>): boolean {
  for (let i = 0; i < state.length; i++) if (!Number.isFinite(state[i]!)) return true;
  for (let b = 0; b < scene.bodies.length; b++) {
    if (scene.bodies[b]!.kind !== 'dynamic') continue;
    if (Math.hypot(...bodyLinearVelocity(state, b)) > EXPLOSION_SPEED) return true;
    if (Math.hypot(...bodyAngularVelocity(state, b)) > EXPLOSION_SPIN) return true;
  }
  return false;
}

export function freePlayMonitor({ scene, base, fall, command }: FreePlayMonitorSetup): TaskMonitor {
  const frame = base === undefined ? undefined : baseFrame(base);
  let start: [number, number, number] | undefined;
  let last: [number, number, number] = [0, 0, 0];
  let samples = 0;
  let forwardSum = 0;
  let minHeight = Infinity;
  let maxHeight = -Infinity;
  let maxTilt = 0;
  let fellAt = NaN;
  let blowUpAt = NaN;
  let maxJointSpeed = 0;
  let maxLimitViolation = 0;
  const violating = new Set<number>();
  let trackingSum = 0;
  let yawSum = 0;
  let trackingSamples = 0;
  return {
    record(time, state) {
      if (!Number.isNaN(blowUpAt)) return;
      if (blownUp(scene, state)) {
        blowUpAt = time;
        return;
      }
      for (let j = 0; j < scene.joints.length; j++) {
        const joint = scene.joints[j]!;
        if (joint.type !== 'revolute' && joint.type !== 'prismatic') continue;
        maxJointSpeed = Math.max(maxJointSpeed, Math.abs(jointVelocity(scene, state, j)));
        if (!joint.limits) continue;
        const q = jointPosition(scene, state, j);
        const beyond = Math.max(joint.limits[0] - q, q - joint.limits[1]);
        if (beyond > LIMIT_TOLERANCE) violating.add(j);
        maxLimitViolation = Math.max(maxLimitViolation, beyond);
      }
      if (base === undefined || !frame) return;
      const p = bodyPosition(state, base);
      start ??= p;
      last = p;
      samples++;
      // Forward: the base's x axis laid flat, so a pitched base still measures ground speed.
      const heading = rotate(bodyRotation(state, base), [1, 0, 0]);
      const flat = Math.hypot(heading[0], heading[1]) || 1;
      const v = bodyLinearVelocity(state, base);
      forwardSum += (v[0] * heading[0] + v[1] * heading[1]) / flat;
      minHeight = Math.min(minHeight, p[2]);
      maxHeight = Math.max(maxHeight, p[2]);
      const t = tilt(state, base);
      maxTilt = Math.max(maxTilt, t);
      if (Number.isNaN(fellAt) && (p[2] < fall.height || t > fall.tilt)) fellAt = time;
      if (command && time >= TRACKING_SETTLE) {
        const vb = frame.velocity(state);
        trackingSum += Math.hypot(vb[0] - (command[0] ?? 0), vb[1] - (command[1] ?? 0));
        yawSum += Math.abs(frame.rate(state)[2] - (command[2] ?? 0));
        trackingSamples++;
      }
    },
    result() {
      const blewUp = !Number.isNaN(blowUpAt);
      const fell = !Number.isNaN(fellAt);
      const metrics: Record<string, number> = {
        blewUp: blewUp ? 1 : 0,
        ...(blewUp ? { blowUpAt } : {}),
        maxJointSpeed,
        limitViolations: violating.size,
        maxLimitViolation: Math.max(0, maxLimitViolation),
      };
      if (base !== undefined && start) {
        Object.assign(metrics, {
          dx: last[0] - start[0],
          dy: last[1] - start[1],
          dz: last[2] - start[2],
          forwardSpeed: forwardSum / samples,
          minHeight,
          maxHeight,
          maxTilt,
          fell: fell ? 1 : 0,
          ...(fell ? { fellAt } : {}),
          fallHeight: fall.height,
        });
        if (trackingSamples) Object.assign(metrics, { trackingError: trackingSum / trackingSamples, yawRateError: yawSum / trackingSamples });
      }
      return { success: !blewUp && !fell, metrics };
    },
  };
}

