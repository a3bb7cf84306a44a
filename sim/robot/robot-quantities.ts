/**
 * The quantities a learned policy reads (models/observation-layout.ts RobotQuantities), from any
 * robot's reading: joint positions and velocities by joint name, and the base's velocities and
 * projected gravity where the robot has a floating base. The same function serves a simulated robot
 * and a real one; the type is structural because sim/ does not depend on models/.
 */
import type { RobotState } from './robot.ts';

export interface PolicyQuantities {
  /** Joint positions by joint name (rad or m). */
  jointPos: Record<string, number>;
  /** Joint velocities by joint name. */
  jointVel: Record<string, number>;
  /** Base linear velocity in the base frame (m/s). */
  baseLinVel?: ArrayLike<number>;
  /** Base angular velocity in the base frame (rad/s). */
  baseAngVel?: ArrayLike<number>;
  /** Unit gravity direction in the base frame. */
  projectedGravity?: ArrayLike<number>;
  /** Site sensors by name. */
  sensors?: Record<string, ArrayLike<number>>;
}

/** `joints` names the reading's per-joint entries (the robot's capabilities.joints). */
export function robotQuantities(reading: RobotState, joints: readonly string[]): PolicyQuantities {
  if (reading.position.length !== joints.length || reading.velocity.length !== joints.length) {
    throw new Error(`a robot reading has ${reading.position.length} positions and ${reading.velocity.length} velocities for ${joints.length} joints`);
  }
  const jointPos: Record<string, number> = {};
  const jointVel: Record<string, number> = {};
  joints.forEach((name, i) => {
    jointPos[name] = reading.position[i]!;
    jointVel[name] = reading.velocity[i]!;
  });
  const sensors = reading.sensors ? { sensors: reading.sensors } : {};
  const base = reading.base;
  if (!base) return { jointPos, jointVel, ...sensors };
  return { jointPos, jointVel, baseLinVel: base.linVel, baseAngVel: base.angVel, projectedGravity: base.projectedGravity, ...sensors };
}
