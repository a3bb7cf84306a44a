/**
 * What a simulated robot reports, read from a scene state: the joint encoders of every movable joint
 * (revolute and prismatic) and, for a floating base, what an IMU and a state estimator give. The same
 * reading a real robot returns from its bus, so controllers that read only this run on either.
 */
import { baseFrame, bodyPosition, bodyRotation, jointPosition, jointVelocity } from '../kinematics.ts';
import { floatingBase, type SceneDescription } from '../scene.ts';
import type { BaseState, RobotState } from './robot.ts';

export class SceneRobotReader {
  /** Scene indices of the joints a reading reports, in RobotState order. */
  readonly jointIndices: number[];
  readonly jointNames: string[];
  /** The floating base body, if the robot has one. */
  readonly base: number | undefined;
  private readonly frame: ReturnType<typeof baseFrame> | undefined;

  constructor(readonly scene: SceneDescription) {
    this.jointIndices = scene.joints.flatMap((j, i) => (j.type === 'revolute' || j.type === 'prismatic' ? [i] : []));
    this.jointNames = this.jointIndices.map((i) => scene.joints[i]!.name);
    this.base = floatingBase(scene);
    this.frame = this.base === undefined ? undefined : baseFrame(this.base);
  }

  /** The robot's reading at scene state `state` and robot time `time`. */
  read(state: ArrayLike<number>, time: number): RobotState {
    const n = this.jointIndices.length;
    const position = new Float64Array(n);
    const velocity = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      const j = this.jointIndices[k]!;
      position[k] = jointPosition(this.scene, state, j);
      velocity[k] = jointVelocity(this.scene, state, j);
    }
    const reading: RobotState = { time, stamp: Date.now(), position, velocity, faults: [] };
    if (this.frame) reading.base = this.baseState(state, this.base!, this.frame);
    return reading;
  }

  private baseState(state: ArrayLike<number>, base: number, frame: NonNullable<typeof this.frame>): BaseState {
    const [x, y, z, w] = bodyRotation(state, base);
    return {
      position: bodyPosition(state, base),
      // RobotState quaternions are (w, x, y, z), as IMUs and ROS report them; scene states store (x, y, z, w).
      orientation: [w, x, y, z],
      linVel: frame.velocity(state),
      angVel: frame.rate(state),
      projectedGravity: frame.gravity(state),
    };
  }
}
