import type { TaskMonitor } from '../task.ts';

/** Seconds at the end of an episode over which "holds upright" is judged. */
export const HOLD_WINDOW = 2;
/** |angle from upright| below which a pole counts as upright. */
export const UPRIGHT_TOLERANCE = 0.2;

/**
 * Success for balancing tasks: the pole is upright (|angle| < 0.2 rad) for the whole of the last 2 s.
 * Metrics: uprightFraction over the last 2 s and finalAngle.
 */
export function uprightMonitor(angle: (state: Float64Array) => number, saved?: unknown): TaskMonitor {
  const from = saved as { times: number[]; angles: number[] } | undefined;
  const times = from?.times ?? [];
  const angles = from?.angles ?? [];
  return {
    save: () => ({ times, angles }),
    record(time, state) {
      times.push(time);
      angles.push(angle(state));
    },
    result() {
      const end = times.at(-1) ?? 0;
      let inWindow = 0;
      let upright = 0;
      for (let i = 0; i < times.length; i++) {
        if (times[i]! < end - HOLD_WINDOW + 1e-9) continue;
        inWindow++;
        if (Math.abs(angles[i]!) < UPRIGHT_TOLERANCE) upright++;
      }
      const uprightFraction = inWindow === 0 ? 0 : upright / inWindow;
      const finalAngle = angles.at(-1) ?? Math.PI;
      return { success: inWindow > 0 && uprightFraction === 1, metrics: { uprightFraction, finalAngle } };
    },
  };
}
