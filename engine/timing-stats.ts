/** Rolling timing statistics for the studio's timing readout and `actuate run --json`. */
export class RollingStats {
  private readonly values: number[] = [];
  private sum = 0;

  constructor(private readonly capacity = 256) {}

  add(value: number): void {
    this.values.push(value);
    this.sum += value;
    if (this.values.length > this.capacity) this.sum -= this.values.shift()!;
  }

  get count(): number {
    return this.values.length;
  }

  mean(): number {
    return this.values.length ? this.sum / this.values.length : 0;
  }

  percentile(p: number): number {
    if (!this.values.length) return 0;
    const sorted = [...this.values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
  }
}

/** Counts events per second over a sliding window of wall time. */
export class RateMeter {
  private readonly stamps: number[] = [];

  constructor(private readonly windowMs = 1000) {}

  tick(now = performance.now()): void {
    this.stamps.push(now);
    while (this.stamps.length && this.stamps[0]! < now - this.windowMs) this.stamps.shift();
  }

  rate(now = performance.now()): number {
    while (this.stamps.length && this.stamps[0]! < now - this.windowMs) this.stamps.shift();
    if (this.stamps.length < 2) return 0;
    return ((this.stamps.length - 1) * 1000) / Math.max(1e-6, now - this.stamps[0]!);
  }
}
