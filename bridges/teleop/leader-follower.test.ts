import { describe, expect, it } from 'vitest';
import type { Robot, RobotCommand } from '../../sim/robot/robot.ts';
import { LeaderFollower } from './leader-follower.ts';

/** A robot that reports fixed joint positions and keeps what it is sent (minus a clamp at ±1). */
function arm(name: string, joints: Record<string, number>, kind: 'position' | 'torque' = 'position') {
  const names = Object.keys(joints);
  const sent: number[][] = [];
  const robot: Robot = {
    name,
    capabilities: { joints: names, actuators: names.map((j) => ({ name: j, joint: j, kind, min: -1, max: 1 })), floatingBase: false, reports: { effort: false, temperature: false, voltage: false }, simulated: false, hardwareWatchdog: false },
    async connect() {},
    async read() {
      return { time: 0, stamp: 0, position: Float64Array.from(names, (j) => joints[j]!), velocity: new Float64Array(names.length), faults: [] };
    },
    async send({ action }: RobotCommand) {
      sent.push(Array.from(action));
      const clamped = action.map((x) => Math.max(-1, Math.min(1, x)));
      return { action: clamped, clamped: action.filter((x, i) => x !== clamped[i]).length };
    },
    async emergencyStop() {},
    async disconnect() {},
  };
  return { robot, sent };
}

describe('LeaderFollower', () => {
  it("sends the leader's positions to the follower joint by joint, by name, whatever the order", async () => {
    const leader = arm('leader', { gripper: 0.3, elbow: -0.2, pan: 1.5 });
    const follower = arm('follower', { pan: 0, elbow: 0, gripper: 0 });
    const tick = await new LeaderFollower(leader.robot, follower.robot).step();
    expect(follower.sent).toEqual([[1.5, -0.2, 0.3]]);
    // The follower clamped pan to 1: the gap is what its safety layer held back.
    expect(tick.sent.clamped).toBe(1);
    expect(tick.gap).toBeCloseTo(0.5, 12);
  });

  it('names the follower joints the leader lacks, and refuses followers that take no positions', () => {
    expect(() => new LeaderFollower(arm('leader', { pan: 0 }).robot, arm('follower', { pan: 0, elbow: 0, wrist: 0 }).robot)).toThrow("leader 'leader' has no joints elbow, wrist of follower 'follower'");
    expect(() => new LeaderFollower(arm('leader', { pan: 0 }).robot, arm('follower', { pan: 0 }, 'torque').robot)).toThrow("follower 'follower': pan take torque commands");
  });
});
