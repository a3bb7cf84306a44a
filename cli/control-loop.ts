/**
 * The fixed-rate loop of `actuate deploy` and `actuate teleop`: ticks on a grid of deadlines (a late
 * tick does not shift the ones after it, and slots missed by more than a period are dropped, not run in a
 * burst), with the statistics a robot loop is judged by — achieved
 * rate, period jitter p50/p99, overruns (a tick that ended after the next was due) and bus round trips.
 */
import { RollingStats } from '../engine/timing-stats.ts';

export interface LoopSummary {
  ticks: number;
  seconds: number;
  rateHz: number;
  targetHz: number;
  jitterMs: { p50: number; p99: number };
  overruns: number;
  skipped: number;
  busRttMs: { read: { p50: number; p99: number }; send: { p50: number; p99: number } };
}

export class LoopStats {
  readonly jitter = new RollingStats(8192);
  readonly readMs = new RollingStats(8192);
  readonly sendMs = new RollingStats(8192);
  overruns = 0;
  /** Deadlines dropped because the loop was more than a period late. */
  skipped = 0;
  ticks = 0;
  elapsed = 0;

  constructor(readonly rate: number) {}

  summary(): LoopSummary {
    const r = (x: number) => Math.round(x * 1000) / 1000;
    const p = (s: RollingStats) => ({ p50: r(s.percentile(50)), p99: r(s.percentile(99)) });
    return {
      ticks: this.ticks,
      seconds: r(this.elapsed),
      rateHz: r(this.elapsed > 0 ? this.ticks / this.elapsed : 0),
      targetHz: this.rate,
      jitterMs: p(this.jitter),
      overruns: this.overruns,
      skipped: this.skipped,
      busRttMs: { read: p(this.readMs), send: p(this.sendMs) },
    };
  }
}

/**
 * Calls `tick` `rate` times a second for `seconds` (or until it returns false), filling `stats`.
 * Resolves when the loop ends; a tick that throws ends it with that error.
 */
export async function runAtRate(stats: LoopStats, seconds: number, tick: () => Promise<boolean | void>): Promise<void> {
  const period = 1000 / stats.rate;
  const t0 = performance.now();
  let last = t0;
  const slots = Math.ceil(seconds * stats.rate - 1e-9);
  try {
    for (let k = 0; k < slots; k++) {
      // A tick that comes more than a period late skips the slots it missed: no burst of catch-up ticks
      // (and no count of slots past the end the loop never had).
      const behind = Math.min(Math.floor((performance.now() - t0) / period) - k, slots - k);
      if (behind > 1) {
        k += behind;
        stats.skipped += behind;
        if (k >= slots) break;
      }
      const deadline = t0 + k * period;
      await sleepUntil(deadline);
      const start = performance.now();
      if (k > 0) stats.jitter.add(Math.abs(start - last - period));
      last = start;
      const go = await tick();
      stats.ticks++;
      if (performance.now() > deadline + period) stats.overruns++;
      if (go === false) break;
    }
  } finally {
    stats.elapsed = (performance.now() - t0) / 1000;
  }
}

/** setTimeout to within a millisecond, then yield to the event loop until the deadline: ≈0.1 ms precision without a busy core. */
export async function sleepUntil(deadline: number): Promise<void> {
  const coarse = deadline - performance.now() - 1;
  if (coarse > 0) await new Promise((r) => setTimeout(r, coarse));
  while (performance.now() < deadline) await new Promise((r) => setImmediate(r));
}

/** `--rate` and `--seconds`, checked. */
export function loopOptions(rate: string | undefined, seconds: string | undefined, fail: (message: string) => Error): { rate: number; seconds: number } {
  const r = Number(rate);
  const s = Number(seconds);
  if (!(r > 0 && r <= 2000)) throw fail(`--rate ${rate}: expected a rate in Hz (0–2000]`);
  if (!(s > 0)) throw fail(`--seconds ${seconds}: expected a positive duration`);
  return { rate: r, seconds: s };
}
