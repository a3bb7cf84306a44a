/**
 * What a simulated robot reports to a policy (models/observation-layout.ts RobotQuantities), read from
 * a scene state: base velocities in the base frame, projected gravity, joint positions and velocities
 * by joint name — the quantities an IMU and joint encoders give on the real robot.
 */
import type { RobotQuantities } from '../../models/observation-layout.ts';
import { bodyAngularVelocity, bodyLinearVelocity, bodyRotation, jointPosition, jointVelocity, rotateInverse } from '../../sim/kinematics.ts';
import type { SceneDescription } from '../../sim/scene.ts';

/** The floating base: the first dynamic body that is no joint's child. */
export function floatingBase(scene: SceneDescription): number | undefined {
  const children = new Set(scene.joints.map((j) => j.child));
  const base = scene.bodies.findIndex((b, i) => b.kind === 'dynamic' && !children.has(i));
  return base < 0 ? undefined : base;
}

export function robotQuantities(scene: SceneDescription, state: Float64Array, base = floatingBase(scene)): RobotQuantities {
  const jointPos: Record<string, number> = {};
  const jointVel: Record<string, number> = {};
  scene.joints.forEach((j, i) => {
    jointPos[j.name] = jointPosition(scene, state, i);
    jointVel[j.name] = jointVelocity(scene, state, i);
  });
  if (base === undefined) return { jointPos, jointVel };
  const rotation = bodyRotation(state, base);
  return {
    jointPos,
    jointVel,
    baseLinVel: rotateInverse(rotation, bodyLinearVelocity(state, base)),
    baseAngVel: rotateInverse(rotation, bodyAngularVelocity(state, base)),
    projectedGravity: rotateInverse(rotation, [0, 0, -1]),
  };
}
