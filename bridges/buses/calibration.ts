/**
 * Joint calibration (LeRobot's MotorCalibration): the homing offset written to the servo so the
 * middle of the joint's range reads half a turn, the direction, and the range recorded by moving the
 * joint by hand. Raw ticks ↔ joint radians, with zero at the middle of the range.
 */
export interface MotorCalibration {
  /** Written to Homing_Offset (Dynamixel adds it to the position, Feetech subtracts it). */
  homingOffset: number;
  /** +1, or −1 when the servo turns against the joint's axis. */
  direction: 1 | -1;
  /** Recorded range in reported ticks (after the offset). */
  rangeMin: number;
  rangeMax: number;
}

const TWO_PI = 2 * Math.PI;

export const middle = (c: MotorCalibration): number => (c.rangeMin + c.rangeMax) / 2;

export function ticksToRadians(ticks: number, c: MotorCalibration, resolution: number): number {
  return (c.direction * (ticks - middle(c)) * TWO_PI) / resolution;
}

export function radiansToTicks(rad: number, c: MotorCalibration, resolution: number): number {
  return Math.round(middle(c) + (c.direction * rad * resolution) / TWO_PI);
}

/** The joint's range in radians (ordered low to high whatever the direction). */
export function rangeRadians(c: MotorCalibration, resolution: number): [number, number] {
  const a = ticksToRadians(c.rangeMin, c, resolution);
  const b = ticksToRadians(c.rangeMax, c, resolution);
  return [Math.min(a, b), Math.max(a, b)];
}

/**
 * The homing offset that makes a shaft now at `actual` (raw, offset 0) read `resolution / 2 − 1`:
 * Dynamixel reports actual + offset, Feetech actual − offset.
 */
export function halfTurnHoming(bus: 'dynamixel' | 'feetech', actual: number, resolution: number): number {
  const half = resolution / 2 - 1;
  return bus === 'dynamixel' ? half - actual : actual - half;
}
