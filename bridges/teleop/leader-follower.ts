/**
 * Leader–follower teleoperation (LeRobot's SO-101 and Koch arms): a leader arm, torque off and moved
 * by hand, is read each tick, and its calibrated joint positions become the follower's goals, joint by
 * joint by name, through the follower's send path — its safety layer (limits, speed, max step) sits
 * between the two arms whatever the leader does.
 */
import type { Robot, RobotState, SentCommand } from '../../sim/robot/robot.ts';

export interface TeleopTick {
  leader: RobotState;
  follower: RobotState;
  sent: SentCommand;
  /** Largest |leader − follower goal| over the joints this tick (rad): what the safety layer held back plus lag. */
  gap: number;
}

export class LeaderFollower {
  /** For each follower actuator, the leader's joint of the same name. */
  private readonly source: number[];

  /** Throws naming every follower joint the leader does not have. */
  constructor(
    readonly leader: Robot,
    readonly follower: Robot,
  ) {
    const joints = leader.capabilities.joints;
    this.source = follower.capabilities.actuators.map((a) => joints.indexOf(a.joint));
    const missing = follower.capabilities.actuators.filter((_, i) => this.source[i]! < 0).map((a) => a.joint);
    if (missing.length) throw new Error(`leader '${leader.name}' has no joint${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of follower '${follower.name}'`);
    const notPosition = follower.capabilities.actuators.filter((a) => a.kind !== 'position').map((a) => a.name);
    if (notPosition.length) throw new Error(`follower '${follower.name}': ${notPosition.join(', ')} take ${follower.capabilities.actuators.find((a) => a.kind !== 'position')!.kind} commands; a leader arm gives positions`);
  }

  /**
   * One tick: read both arms (two buses, at once), send the leader's positions to the follower. The
   * follower's reading is what its safety layer measures the max step from, and where its faults show.
   */
  async step(): Promise<TeleopTick> {
    const [leader, follower] = await Promise.all([this.leader.read(), this.follower.read()]);
    const goal = Float64Array.from(this.source, (j) => leader.position[j]!);
    const sent = await this.follower.send({ action: goal });
    let gap = 0;
    goal.forEach((g, i) => (gap = Math.max(gap, Math.abs(g - sent.action[i]!))));
    return { leader, follower, sent, gap };
  }
}
