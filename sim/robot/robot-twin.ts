/**
 * A real robot's simulated twin: the scene state of the robot's model rebuilt from what the robot
 * reports, so the viewport draws the real robot and planners roll out their model from its state.
 * Body poses come from the joint positions by forward kinematics (and the base pose, where the robot
 * estimates one); body velocities from the reported joint and base velocities, as the change of those
 * poses over a short step — no history, so one reading gives one state.
 */
import { axisAngle, multiply, rotate } from '../kinematics.ts';
import { BODY_STATE_SIZE, floatingBase, type Pose, type Quat, type SceneDescription, type Vec3 } from '../scene.ts';
import { stateFromJointPositions } from './pose-state.ts';
import type { RobotState } from './robot.ts';

/** Step (s) over which velocities are turned into pose changes: small, yet far above rounding. */
const H = 1e-4;

export class RobotTwin {
  /** For each reading entry, the scene joint it is. */
  private readonly sceneJoint: number[];
  private readonly base: number | undefined;

  /** `robotJoints`: the robot's capabilities.joints. Throws naming every movable scene joint it does not report. */
  constructor(
    readonly scene: SceneDescription,
    robotJoints: readonly string[],
  ) {
    const missing = scene.joints.filter((j) => (j.type === 'revolute' || j.type === 'prismatic') && !j.mimic && !robotJoints.includes(j.name)).map((j) => j.name);
    if (missing.length) throw new Error(`the robot reports no position for joint${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')} of '${scene.name}'`);
    this.sceneJoint = robotJoints.map((name) => scene.joints.findIndex((j) => j.name === name));
    this.base = floatingBase(scene);
  }

  /** The scene state of the robot's model for this reading. */
  stateOf(reading: RobotState): Float64Array {
    const n = this.scene.joints.length;
    const q = new Float64Array(n);
    const qAhead = new Float64Array(n);
    this.sceneJoint.forEach((j, k) => {
      if (j < 0) return;
      q[j] = reading.position[k]!;
      qAhead[j] = reading.position[k]! + H * reading.velocity[k]!;
    });
    for (let j = 0; j < n; j++) {
      const mimic = this.scene.joints[j]!.mimic;
      if (!mimic) continue;
      q[j] = mimic.multiplier * q[mimic.joint]! + mimic.offset;
      qAhead[j] = mimic.multiplier * qAhead[mimic.joint]! + mimic.offset;
    }
    const [root, rootAhead] = this.rootPoses(reading);
    const state = stateFromJointPositions(this.scene, q, root);
    const ahead = stateFromJointPositions(this.scene, qAhead, rootAhead);
    for (let b = 0; b < this.scene.bodies.length; b++) {
      const o = b * BODY_STATE_SIZE;
      for (let i = 0; i < 3; i++) state[o + 7 + i] = (ahead[o + i]! - state[o + i]!) / H;
      // ω from the rotation between the two poses: 2 · vec(q_ahead · q⁻¹) / H, world frame.
      const [x, y, z, w] = multiply(ahead.subarray(o + 3, o + 7), [-state[o + 3]!, -state[o + 4]!, -state[o + 5]!, state[o + 6]!]);
      const sign = w < 0 ? -1 : 1;
      state[o + 10] = (2 * sign * x) / H;
      state[o + 11] = (2 * sign * y) / H;
      state[o + 12] = (2 * sign * z) / H;
    }
    return state;
  }

  /** The floating base's pose now and H later, where the robot estimates it; else the model's rest pose. */
  private rootPoses(reading: RobotState): [Pose | undefined, Pose | undefined] {
    const base = reading.base;
    if (this.base === undefined || !base?.position || !base.orientation) return [undefined, undefined];
    const [w, x, y, z] = base.orientation;
    const rotation: Quat = [x, y, z, w];
    const v = rotate(rotation, base.linVel);
    const angVel = base.angVel;
    const rate = Math.hypot(angVel[0], angVel[1], angVel[2]);
    const turn = rate > 0 ? axisAngle([angVel[0] / rate, angVel[1] / rate, angVel[2] / rate], rate * H) : ([0, 0, 0, 1] as Quat);
    const position: Vec3 = [...base.position];
    return [
      { position, rotation },
      // Body-frame angular velocity: the turn applies on the right.
      { position: [position[0] + H * v[0], position[1] + H * v[1], position[2] + H * v[2]], rotation: multiply(rotation, turn) },
    ];
  }
}
