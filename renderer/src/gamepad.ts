/**
 * Gamepad teleoperation, as ROS teleop_twist_joy and legged-robot remotes map it, for a pad in the
 * browser's "standard" layout (Xbox-style): nothing moves unless the deadman button (LB) is held;
 * sticks have a dead zone around the centre (worn sticks rest off zero); RB asks for the full range.
 * Pure functions of the pad's buttons and axes, so the mapping is tested without a browser.
 */

/** The parts of the browser's Gamepad this reads. */
export interface PadInput {
  id: string;
  axes: readonly number[];
  buttons: readonly { pressed: boolean; value: number }[];
}

/** Standard-layout indices. */
const BUTTON = { a: 0, b: 1, lb: 4, rb: 5, up: 12, down: 13 } as const;
const AXIS = { leftX: 0, leftY: 1, rightX: 2, rightY: 3 } as const;

/** Stick deflection ignored around the centre (fraction of full scale). */
export const DEAD_ZONE = 0.15;
/** Without RB, a full stick asks for this fraction of the command's range. */
export const NORMAL_SCALE = 0.5;

/** The mapping, as the panels show it. */
export const PAD_HELP = {
  deadman: 'hold LB to enable (release: stop)',
  turbo: 'RB: full range',
  drive: 'left stick: forward/back and sideways · right stick ←/→: turn',
  arm: 'left stick: tool x/y · right stick ↑/↓: tool z · right stick ←/→: selected joint · D-pad ↑/↓: pick joint',
  stop: 'B: emergency stop (no LB needed)',
} as const;

/** A stick axis with the dead zone removed and the rest rescaled, so output starts at 0 at the zone's edge and reaches ±1. */
export function deadZone(x: number, zone = DEAD_ZONE): number {
  if (!Number.isFinite(x) || Math.abs(x) <= zone) return 0;
  return (Math.sign(x) * (Math.min(1, Math.abs(x)) - zone)) / (1 - zone);
}

/** A pad read once: sticks with the y axes pointing up (the browser's point down), buttons as flags. */
export interface PadState {
  id: string;
  /** The deadman (LB) is held: motion is allowed. */
  enabled: boolean;
  /** Full range (RB) instead of NORMAL_SCALE. */
  turbo: boolean;
  stop: boolean;
  up: boolean;
  down: boolean;
  left: { x: number; y: number };
  right: { x: number; y: number };
}

export function readPad(pad: PadInput): PadState {
  const pressed = (i: number) => pad.buttons[i]?.pressed === true;
  const axis = (i: number) => deadZone(pad.axes[i] ?? 0);
  return {
    id: pad.id,
    enabled: pressed(BUTTON.lb),
    turbo: pressed(BUTTON.rb),
    stop: pressed(BUTTON.b),
    up: pressed(BUTTON.up),
    down: pressed(BUTTON.down),
    left: { x: axis(AXIS.leftX), y: -axis(AXIS.leftY) },
    right: { x: axis(AXIS.rightX), y: -axis(AXIS.rightY) },
  };
}

/** Fraction of each command's range (−1…1) the sticks ask for: zero unless the deadman is held. */
export function padDrive(pad: PadState): { vx: number; vy: number; yawRate: number } {
  if (!pad.enabled) return { vx: 0, vy: 0, yawRate: 0 };
  const k = pad.turbo ? 1 : NORMAL_SCALE;
  // Stick left is +y and a left turn +yaw (REP 103: x forward, y left, z up).
  return { vx: k * pad.left.y, vy: -k * pad.left.x, yawRate: -k * pad.right.x };
}

/** Arm jogging rates (fraction of the full rate, −1…1): the tool point in world x, y, z and the selected joint. */
export function padArm(pad: PadState): { tool: [number, number, number]; joint: number } {
  if (!pad.enabled) return { tool: [0, 0, 0], joint: 0 };
  const k = pad.turbo ? 1 : NORMAL_SCALE;
  return { tool: [k * pad.left.y, -k * pad.left.x, k * pad.right.y], joint: k * pad.right.x };
}
