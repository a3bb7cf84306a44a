/**
 * The inertia a joint's actuator sees at the file's pose: the diagonal of the joint-space mass matrix
 * for that joint (MuJoCo's `dof_M0`) — every link beyond the joint, about the joint's axis, plus the
 * joint's armature. MuJoCo turns a position actuator's `dampratio` into kv = 2·ζ·√(kp·M) with it.
 */
import { rotate } from '../kinematics.ts';
import type { Pose, Vec3 } from '../scene.ts';
import { fromComponents, rotateInertia } from './inertia.ts';
import type { RobotModel } from './robot-model.ts';

export function reflectedInertia(model: RobotModel, jointIndex: number, poses: Pose[]): number {
  const joint = model.joints[jointIndex]!;
  const childPose = poses[joint.child]!;
  const axis = rotate(childPose.rotation, joint.axis);
  const anchor = add(childPose.position, rotate(childPose.rotation, joint.anchor ?? [0, 0, 0]));
  let total = joint.armature;
  for (const [l, link] of model.links.entries()) {
    if (!beyond(model, l, jointIndex) || !link.inertial) continue;
    const { mass, com, inertia } = link.inertial;
    if (joint.type === 'prismatic') {
      total += mass;
      continue;
    }
    const pose = poses[l]!;
    const I = rotateInertia(fromComponents(inertia), pose.rotation);
    const Ia = axis.reduce((sum, ai, r) => sum + axis.reduce((s, aj, c) => s + ai * I[r * 3 + c]! * aj, 0), 0);
    const r = sub(add(pose.position, rotate(pose.rotation, com)), anchor);
    const along = r[0] * axis[0] + r[1] * axis[1] + r[2] * axis[2];
    total += Ia + mass * (r[0] ** 2 + r[1] ** 2 + r[2] ** 2 - along ** 2);
  }
  return total;
}

/** Whether link `l` moves with joint `j` (the joint lies on its path to the root). */
function beyond(model: RobotModel, l: number, j: number): boolean {
  for (let k = model.links[l]!.parentJoint; k >= 0; k = model.links[model.joints[k]!.parent]!.parentJoint) if (k === j) return true;
  return false;
}

function add(a: Vec3, b: Vec3): Vec3 {
  return [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
