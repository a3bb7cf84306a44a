/**
 * What a simulated robot reports to a policy (models/observation-layout.ts RobotQuantities), read from
 * a scene state: base velocities in the base frame, projected gravity, joint positions and velocities
 * by joint name — the quantities an IMU and joint encoders give on the real robot.
 */
import type { RobotQuantities } from '../../models/observation-layout.ts';
import { baseFrame, jointPosition, jointVelocity } from '../../sim/kinematics.ts';
import { floatingBase, type SceneDescription } from '../../sim/scene.ts';

export function robotQuantities(scene: SceneDescription, state: Float64Array, base = floatingBase(scene)): RobotQuantities {
  const jointPos: Record<string, number> = {};
  const jointVel: Record<string, number> = {};
  scene.joints.forEach((j, i) => {
    jointPos[j.name] = jointPosition(scene, state, i);
    jointVel[j.name] = jointVelocity(scene, state, i);
  });
  if (base === undefined) return { jointPos, jointVel };
  const frame = baseFrame(base);
  return { jointPos, jointVel, baseLinVel: frame.velocity(state), baseAngVel: frame.rate(state), projectedGravity: frame.gravity(state) };
}
