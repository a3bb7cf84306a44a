/**
 * Forward kinematics on a scene's joint tree: the state vector (body poses, zero velocity) for given
 * joint positions and root pose. Used to place robots at a keyframe or a default pose.
 */
import { axisAngle, multiply, rotate } from '../kinematics.ts';
import { stateSize, type Pose, type SceneDescription, type Vec3 } from '../scene.ts';

export function stateFromJointPositions(scene: SceneDescription, q: ArrayLike<number>, rootPose?: Pose): Float64Array {
  const state = new Float64Array(stateSize(scene));
  const parentJoint = new Map(scene.joints.map((j, i) => [j.child, i]));
  const done = new Map<number, Pose>();
  const pose = (b: number): Pose => {
    const known = done.get(b);
    if (known) return known;
    const rest = scene.bodies[b]!.pose;
    const j = parentJoint.get(b);
    let result: Pose;
    if (j === undefined) {
      result = rootPose && scene.bodies[b]!.kind === 'dynamic' ? rootPose : rest;
    } else {
      const joint = scene.joints[j]!;
      const parent = pose(joint.parent);
      const d = sub(rest.position, scene.bodies[joint.parent]!.pose.position);
      const value = q[j] ?? 0;
      let local: Vec3;
      let rotation = axisAngle(joint.axis, 0);
      if (joint.type === 'revolute') {
        rotation = axisAngle(joint.axis, value);
        const a = joint.anchorParent;
        const r = rotate(rotation, sub(d, a));
        local = [a[0] + r[0], a[1] + r[1], a[2] + r[2]];
      } else if (joint.type === 'prismatic') {
        local = [d[0] + joint.axis[0] * value, d[1] + joint.axis[1] * value, d[2] + joint.axis[2] * value];
      } else local = d;
      const offset = rotate(parent.rotation, local);
      result = {
        position: [parent.position[0] + offset[0], parent.position[1] + offset[1], parent.position[2] + offset[2]],
        rotation: multiply(parent.rotation, rotation),
      };
    }
    done.set(b, result);
    return result;
  };
  for (let b = 0; b < scene.bodies.length; b++) {
    const p = pose(b);
    state.set([...p.position, ...p.rotation], b * 13);
  }
  return state;
}

function sub(a: Vec3, b: Vec3): Vec3 {
  return [a[0] - b[0], a[1] - b[1], a[2] - b[2]];
}
