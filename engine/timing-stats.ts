/** Rolling timing statistics for the studio's timing readout and `actuate run --json`. */
export class RollingStats {
  private readonly values: Float64Array;
  private next = 0;
  private filled = 0;
  private sum = 0;

  constructor(capacity = 256) {
    this.values = new Float64Array(capacity);
  }

  add(value: number): void {
    if (this.filled === this.values.length) this.sum -= this.values[this.next]!;
    else this.filled++;
    this.values[this.next] = value;
    this.sum += value;
    this.next = (this.next + 1) % this.values.length;
  }

  get count(): number {
    return this.filled;
  }

  clear(): void {
    this.next = this.filled = this.sum = 0;
  }

  mean(): number {
    return this.filled ? this.sum / this.filled : 0;
  }

  percentile(p: number): number {
    if (!this.filled) return 0;
    const sorted = this.values.slice(0, this.filled).sort();
    return sorted[Math.min(this.filled - 1, Math.floor((p / 100) * this.filled))]!;
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

  clear(): void {
    this.stamps.length = 0;
  }

  rate(now = performance.now()): number {
    while (this.stamps.length && this.stamps[0]! < now - this.windowMs) this.stamps.shift();
    if (this.stamps.length < 2) return 0;
    return ((this.stamps.length - 1) * 1000) / Math.max(1e-6, now - this.stamps[0]!);
  }
}
