import { describe, expect, it } from 'vitest';
import { DEAD_ZONE, deadZone, padArm, padDrive, readPad, type PadInput } from './gamepad.ts';

/** A standard-layout pad: 17 buttons, 4 axes, with the given ones pressed or deflected. */
function pad(pressed: number[] = [], axes: [number, number, number, number] = [0, 0, 0, 0]): PadInput {
  return { id: 'test pad', axes, buttons: Array.from({ length: 17 }, (_, i) => ({ pressed: pressed.includes(i), value: pressed.includes(i) ? 1 : 0 })) };
}
const LB = 4;
const RB = 5;

describe('gamepad mapping', () => {
  it('ignores the dead zone and rescales the rest to reach ±1', () => {
    expect(deadZone(DEAD_ZONE * 0.99)).toBe(0);
    expect(deadZone(-0.1)).toBe(0);
    expect(deadZone(1)).toBe(1);
    expect(deadZone(-1.2)).toBe(-1);
    expect(deadZone((1 + DEAD_ZONE) / 2)).toBeCloseTo(0.5);
    expect(deadZone(Number.NaN)).toBe(0);
  });

  it('drives nothing unless the deadman (LB) is held', () => {
    expect(padDrive(readPad(pad([], [0.5, -1, 1, 0])))).toEqual({ vx: 0, vy: 0, yawRate: 0 });
    expect(padArm(readPad(pad([RB], [0.5, -1, 1, 1])))).toEqual({ tool: [0, 0, 0], joint: 0 });
  });

  it('maps the left stick to forward and sideways and the right stick to turning, REP 103 signs, half range unless RB', () => {
    // Browser axes point down and right: stick up-left is (−1, −1).
    expect(padDrive(readPad(pad([LB], [-1, -1, -1, 0])))).toEqual({ vx: 0.5, vy: 0.5, yawRate: 0.5 });
    expect(padDrive(readPad(pad([LB, RB], [1, 1, 1, 0])))).toEqual({ vx: -1, vy: -1, yawRate: -1 });
  });

  it('moves the tool with the left stick and right stick ↑/↓, and the selected joint with right stick ←/→', () => {
    const s = readPad(pad([LB, RB], [0, -1, 1, -1]));
    expect(padArm(s)).toEqual({ tool: [1, -0, 1], joint: 1 });
    expect(readPad(pad([1, 12]))).toMatchObject({ stop: true, up: true, down: false, enabled: false });
  });
});
