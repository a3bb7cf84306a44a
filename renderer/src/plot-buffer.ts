/**
 * The samples behind one live plot: time plus one column per series, in fixed-size ring storage,
 * trimmed to a window of simulated time (the last `windowSeconds`, whatever the play speed).
 */
export class PlotBuffer {
  private readonly columns: Float64Array[];
  private start = 0;
  private length = 0;

  constructor(
    readonly series: number,
    readonly capacity: number,
    readonly windowSeconds = Infinity,
  ) {
    this.columns = Array.from({ length: series + 1 }, () => new Float64Array(capacity));
  }

  get size(): number {
    return this.length;
  }

  push(time: number, values: ArrayLike<number>): void {
    // Time going backwards means the simulation was reset: start over.
    if (this.length && time < this.lastTime()) this.clear();
    const i = (this.start + this.length) % this.capacity;
    this.columns[0]![i] = time;
    for (let s = 0; s < this.series; s++) this.columns[s + 1]![i] = values[s] ?? NaN;
    if (this.length < this.capacity) this.length++;
    else this.start = (this.start + 1) % this.capacity;
    // Drop what fell out of the time window.
    const oldest = time - this.windowSeconds;
    while (this.length > 1 && this.columns[0]![this.start]! < oldest) {
      this.start = (this.start + 1) % this.capacity;
      this.length--;
    }
  }

  lastTime(): number {
    return this.columns[0]![(this.start + this.length - 1) % this.capacity]!;
  }

  clear(): void {
    this.start = 0;
    this.length = 0;
  }

  /** Columns in time order, the layout uPlot takes. */
  data(): number[][] {
    return this.columns.map((col) => {
      const out = new Array<number>(this.length);
      for (let k = 0; k < this.length; k++) out[k] = col[(this.start + k) % this.capacity]!;
      return out;
    });
  }
}
