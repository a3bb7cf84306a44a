/**
 * The Twist-style velocity command of a mobile or legged robot, as the engine and the studio both see
 * it: vx, vy (m/s, body frame) and yawRate (rad/s), on the task's live parameters (a locomotion task's
 * command) or else on a controller that takes all three.
 */
import type { SessionSnapshot } from './api.ts';
import type { NumberParam } from './params.ts';

export const VELOCITY_KEYS = ['vx', 'vy', 'yawRate'] as const;
export type Velocity = Record<(typeof VELOCITY_KEYS)[number], number>;
export type VelocityScope = 'task' | 'controller';

export interface VelocityTarget {
  scope: VelocityScope;
  /** The three parameters (their ranges are the command's limits). */
  params: Record<keyof Velocity, NumberParam>;
}

/** Where a session's velocity command lives, or undefined when neither its task nor its controller takes one. */
export function velocityTarget(snapshot: Pick<SessionSnapshot, 'task' | 'controller'>): VelocityTarget | undefined {
  const live = snapshot.task.params.filter((p): p is NumberParam => p.kind === 'number' && p.live === true);
  const controller = snapshot.controller.params.filter((p): p is NumberParam => p.kind === 'number');
  for (const [scope, specs] of [['task', live], ['controller', controller]] as const) {
    const found = VELOCITY_KEYS.map((k) => specs.find((p) => p.key === k));
    if (found.every((p) => p !== undefined)) return { scope, params: { vx: found[0]!, vy: found[1]!, yawRate: found[2]! } };
  }
  return undefined;
}
