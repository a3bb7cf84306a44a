import { describe, expect, it } from 'vitest';
import { halfTurnHoming, radiansToTicks, rangeRadians, ticksToRadians, type MotorCalibration } from './calibration.ts';

describe('calibration', () => {
  const c: MotorCalibration = { homingOffset: 0, direction: 1, rangeMin: 1024, rangeMax: 3072 };
  it('zero at the middle of the range, a quarter turn each way', () => {
    expect(ticksToRadians(2048, c, 4096)).toBe(0);
    expect(ticksToRadians(3072, c, 4096)).toBeCloseTo(Math.PI / 2);
    expect(rangeRadians(c, 4096)).toEqual([-Math.PI / 2, Math.PI / 2]);
  });
  it('direction −1 mirrors, and ticks ↔ radians round-trip', () => {
    const r: MotorCalibration = { ...c, direction: -1 };
    expect(ticksToRadians(3072, r, 4096)).toBeCloseTo(-Math.PI / 2);
    for (const rad of [-1.2, 0, 0.7]) expect(ticksToRadians(radiansToTicks(rad, r, 4096), r, 4096)).toBeCloseTo(rad, 2);
  });
  it('the half-turn homing offset has each family’s sign', () => {
    expect(halfTurnHoming('dynamixel', 1000, 4096)).toBe(1047);
    expect(halfTurnHoming('feetech', 1000, 4096)).toBe(-1047);
  });
});
