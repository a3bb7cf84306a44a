/**
 * The calibration flow (LeRobot's): with torque off, the user puts every joint in the middle of its
 * range → the homing offset that makes that pose read half a turn is written to each servo; then the
 * user moves every joint through its whole range while positions are recorded → the range.
 * Non-interactive callers pass a fixed recording time.
 */
import { halfTurnHoming, type MotorCalibration } from './buses/calibration.ts';
import type { DynamixelBus } from './buses/dynamixel/dynamixel-bus.ts';
import type { FeetechBus } from './buses/feetech/feetech-bus.ts';
import type { RobotConfig } from './robot-config.ts';

export interface CalibrateOptions {
  /** Resolves when recording should stop (a key press, or a timer). */
  recordUntil: Promise<void>;
  /** Called with the recorded range so far, a few times a second. */
  onProgress?: (ranges: Record<string, { min: number; max: number; now: number }>) => void;
  /** Joints whose recorded range is below this (ticks) fail the calibration: they were not moved. */
  minRangeTicks?: number;
}

export async function calibrate(bus: DynamixelBus | FeetechBus, config: RobotConfig, options: CalibrateOptions): Promise<Record<string, MotorCalibration>> {
  const joints = Object.entries(config.motors);
  const ids = joints.map(([, m]) => m.id);
  await bus.setTorque(false, ids);
  // Middle pose: read the raw position with no offset, then write the offset that centres it.
  const offsets = new Map<number, number>();
  for (const [, m] of joints) {
    await bus.write(m.id, 'Homing_Offset', 0);
    const raw = await bus.read(m.id, 'Present_Position');
    const model = bus.model(m.id);
    const offset = halfTurnHoming(bus.kind, raw, model.resolution);
    await bus.write(m.id, 'Homing_Offset', offset);
    offsets.set(m.id, offset);
  }
  const ranges: Record<string, { min: number; max: number; now: number }> = {};
  let done = false;
  void options.recordUntil.then(() => (done = true));
  let lastProgress = 0;
  while (!done) {
    const values = await bus.syncRead(['Present_Position'], ids);
    for (const [joint, m] of joints) {
      const p = values.get(m.id)?.Present_Position;
      if (p === undefined) continue;
      const r = (ranges[joint] ??= { min: p, max: p, now: p });
      r.min = Math.min(r.min, p);
      r.max = Math.max(r.max, p);
      r.now = p;
    }
    if (options.onProgress && performance.now() - lastProgress > 200) {
      lastProgress = performance.now();
      options.onProgress(ranges);
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  const minRange = options.minRangeTicks ?? 100;
  const unmoved = joints.filter(([joint]) => !ranges[joint] || ranges[joint].max - ranges[joint].min < minRange).map(([joint]) => joint);
  if (unmoved.length) throw new Error(`calibration incomplete: ${unmoved.join(', ')} moved less than ${minRange} ticks; move every joint through its whole range while recording`);
  const out: Record<string, MotorCalibration> = {};
  for (const [joint, m] of joints) {
    const r = ranges[joint]!;
    const direction = config.calibration[joint]?.direction ?? 1;
    out[joint] = { homingOffset: offsets.get(m.id)!, direction, rangeMin: r.min, rangeMax: r.max };
    // The servo itself refuses goals outside the recorded range too.
    await bus.write(m.id, 'Min_Position_Limit', Math.max(0, r.min));
    await bus.write(m.id, 'Max_Position_Limit', Math.min(bus.model(m.id).resolution - 1, r.max));
  }
  return out;
}
