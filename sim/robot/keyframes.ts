/**
 * MJCF keyframes in scene terms: `qpos` laid out as MuJoCo lays it out (joints in body-tree order; a
 * free joint takes 7 numbers — position, then quaternion w x y z —, a ball joint 4, hinges and slides
 * 1) becomes joint positions per scene joint (measured from the file's pose, so minus `ref`) and the
 * floating base's pose.
 */
import { multiply } from '../kinematics.ts';
import type { Pose, Quat, Vec3 } from '../scene.ts';
import type { RobotModel } from './robot-model.ts';

export interface SceneKeyframe {
  name: string;
  /** Position per scene joint. */
  q: number[];
  /** Pose of the floating base body, when the robot has a free joint. */
  root?: Pose;
}

const QPOS_SIZE = { floating: 7, ball: 4, revolute: 1, continuous: 1, prismatic: 1, fixed: 0 } as const;

export function sceneKeyframes(model: RobotModel, jointIndex: Map<string, number>, sceneJoints: number, linkRest: Pose[], warnings: string[]): SceneKeyframe[] {
  const nq = model.joints.reduce((n, j) => n + QPOS_SIZE[j.type], 0);
  return model.keyframes.map((key) => {
    if (key.qpos.length !== nq) warnings.push(`keyframe '${key.name}': qpos has ${key.qpos.length} values, the robot has ${nq}; the missing ones stay at the file's pose`);
    const q = new Array<number>(sceneJoints).fill(0);
    let root: Pose | undefined;
    let at = 0;
    for (const joint of model.joints) {
      const size = QPOS_SIZE[joint.type];
      const values = key.qpos.slice(at, at + size);
      at += size;
      if (values.length < size) continue;
      if (joint.type === 'floating') {
        if (root) continue;
        const [x, y, z, w, qx, qy, qz] = values as [number, number, number, number, number, number, number];
        const n = Math.hypot(w, qx, qy, qz) || 1;
        // The scene body is world-aligned where the link has its rest rotation.
        const rest = linkRest[joint.child]!.rotation;
        root = { position: [x, y, z] as Vec3, rotation: multiply([qx / n, qy / n, qz / n, w / n], [-rest[0], -rest[1], -rest[2], rest[3]]) as Quat };
        continue;
      }
      const index = jointIndex.get(joint.name);
      if (index !== undefined && size === 1) q[index] = values[0]! - (joint.reference ?? 0);
    }
    return { name: key.name, q, ...(root ? { root } : {}) };
  });
}
