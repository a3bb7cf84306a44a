/**
 * The Twist-style velocity command (vx, vy, yaw rate) of a mobile or legged robot, from any source —
 * ROS `cmd_vel`, the studio's keys and gamepad sticks — through one path: it lands on the task's live
 * parameters (a locomotion task's command, which `onnx-policy` feeds its policy and the task scores),
 * else on a controller that takes vx, vy and yawRate, clamped to their ranges. A command not renewed
 * within the timeout is set back to zero (a deadman): when the publisher, the client or the key goes
 * away, the robot holds instead of driving on.
 */
import type { SessionSnapshot } from '../protocol/api.ts';
import type { NumberParam } from '../protocol/params.ts';
import { VELOCITY_KEYS, velocityTarget, type Velocity, type VelocityScope } from '../protocol/velocity.ts';

export interface VelocityCommandOptions {
  /** The session's state now (which task and controller, their parameters). */
  snapshot: () => SessionSnapshot;
  /** Applies parameter values between physics steps (the session's edit queue). */
  apply: (scope: VelocityScope, values: Velocity) => Promise<unknown>;
  /** A non-zero command not renewed within this long is set to zero (ms). */
  timeoutMs: number;
  /** Said once when the command times out. */
  onTimeout?: () => void;
}

export class VelocityCommand {
  private lastSet = 0;
  private moving = false;
  private readonly watchdog: NodeJS.Timeout;

  constructor(private readonly options: VelocityCommandOptions) {
    this.watchdog = setInterval(() => this.expire(), Math.min(100, options.timeoutMs / 2));
    this.watchdog.unref();
  }

  /**
   * Sets the command, clamped to the target's ranges; returns what was applied and where. Throws a
   * message naming the task and controller when neither takes a velocity command, or a value is not finite.
   */
  async set(velocity: Velocity): Promise<{ scope: VelocityScope; command: Velocity }> {
    const snapshot = this.options.snapshot();
    const target = velocityTarget(snapshot);
    if (!target) throw new Error(`task '${snapshot.task.id}' and controller '${snapshot.controller.id}' take no velocity command (vx, vy, yawRate)`);
    const bad = VELOCITY_KEYS.filter((k) => !Number.isFinite(velocity[k]));
    if (bad.length) throw new Error(`velocity command: ${bad.join(', ')} not a finite number`);
    const command = Object.fromEntries(VELOCITY_KEYS.map((k) => [k, clamp(target.params[k], velocity[k])])) as Velocity;
    this.lastSet = performance.now();
    this.moving = VELOCITY_KEYS.some((k) => command[k] !== 0);
    await this.options.apply(target.scope, command);
    return { scope: target.scope, command };
  }

  private expire(): void {
    if (!this.moving || performance.now() - this.lastSet < this.options.timeoutMs) return;
    this.moving = false;
    const target = velocityTarget(this.options.snapshot());
    if (!target) return;
    this.options.onTimeout?.();
    void this.options.apply(target.scope, { vx: 0, vy: 0, yawRate: 0 }).catch(() => undefined);
  }

  dispose(): void {
    clearInterval(this.watchdog);
  }
}

function clamp(p: NumberParam, v: number): number {
  return Math.min(p.max, Math.max(p.min, v));
}
