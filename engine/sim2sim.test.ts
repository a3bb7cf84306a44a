import { describe, expect, it } from 'vitest';
import type { RobotState } from '../sim/robot/robot.ts';
import { axisAngle } from '../sim/kinematics.ts';
import { divergence, yaw } from './sim2sim.ts';

function reading(position: number[], base?: { at: [number, number, number]; heading: number }): RobotState {
  const q = base ? axisAngle([0, 0, 1], base.heading) : undefined;
  return {
    time: 0,
    stamp: 0,
    position: Float64Array.from(position),
    velocity: new Float64Array(position.length),
    faults: [],
    ...(base && q ? { base: { position: base.at, orientation: [q[3], q[0], q[1], q[2]], linVel: [0, 0, 0], angVel: [0, 0, 0], projectedGravity: [0, 0, -1] } } : {}),
  };
}

describe('sim2sim divergence', () => {
  it('measures base distance, heading difference across ±π, and joint RMS with angles wrapped', () => {
    const a = reading([0.1, 3.1, 0], { at: [1, 2, 0.3], heading: 3.1 });
    const b = reading([0.4, -3.1, 0], { at: [1, 2.3, 0.7], heading: -3.1 });
    const d = divergence(a, b);
    expect(d.basePosition).toBeCloseTo(0.5, 12);
    expect(d.heading).toBeCloseTo(2 * Math.PI - 6.2, 9);
    expect(d.jointRms).toBeCloseTo(Math.sqrt((0.3 ** 2 + (2 * Math.PI - 6.2) ** 2) / 3), 9);
  });

  it('is zero for a fixed-base robot in the same pose, and reads yaw from a (w, x, y, z) quaternion', () => {
    expect(divergence(reading([0.2, 0.3]), reading([0.2, 0.3]))).toEqual({ basePosition: 0, heading: 0, jointRms: 0 });
    const q = axisAngle([0, 0, 1], 1.2);
    expect(yaw([q[3], q[0], q[1], q[2]])).toBeCloseTo(1.2, 12);
  });
});
