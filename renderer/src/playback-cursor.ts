/** Where a playback's cursor falls: the frame and the signal values shown at a time of the recording. */
import type { FrameEvent } from '../../protocol/api.ts';
import type { PlaybackData, PlaybackSeries } from '../../protocol/recording.ts';

/** The index of the last time ≤ t (0 before the first; −1 for no times). */
export function indexAt(times: ArrayLike<number>, t: number): number {
  if (times.length === 0) return -1;
  let lo = 0;
  let hi = times.length - 1;
  if (t <= times[0]!) return 0;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (times[mid]! <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The recorded poses at time t, as the frame the viewport draws. */
export function frameAt(playback: PlaybackData, t: number): FrameEvent | undefined {
  const i = indexAt(playback.times, t);
  if (i < 0) return undefined;
  const size = playback.scene.bodies.length * 7;
  return { time: playback.times[i]!, poses: playback.poses.subarray(i * size, (i + 1) * size) };
}

/** Where a signal named `${topic} / ${field}` lives: its series and column (undefined: not recorded). */
export function findSignal(series: readonly PlaybackSeries[], signal: string): { series: PlaybackSeries; column: number } | undefined {
  const split = signal.indexOf(' / ');
  const s = series.find((x) => x.group === signal.slice(0, split));
  const column = s?.names.indexOf(signal.slice(split + 3)) ?? -1;
  return s && column >= 0 ? { series: s, column } : undefined;
}

/** The signals' values at time t (each its topic's last message at or before t), by signal name. */
export function signalValuesAt(series: readonly PlaybackSeries[], signals: readonly string[], t: number): Record<string, number> {
  const out: Record<string, number> = {};
  for (const signal of signals) {
    const found = findSignal(series, signal);
    const i = found ? indexAt(found.series.times, t) : -1;
    if (found && i >= 0) out[signal] = found.series.values[i * found.series.names.length + found.column]!;
  }
  return out;
}

/**
 * The signals as uPlot's columns: the times of all their topics merged, then one column per signal,
 * null where its topic has no message at that time (the plot joins its points across them).
 */
export function signalColumns(series: readonly PlaybackSeries[], signals: readonly string[]): (number | null)[][] {
  const found = signals.map((signal) => findSignal(series, signal));
  const topics = [...new Set(found.flatMap((f) => (f ? [f.series] : [])))];
  const times = [...new Set(topics.flatMap((s) => Array.from(s.times)))].sort((a, b) => a - b);
  const row = new Map(times.map((time, i) => [time, i]));
  const columns = found.map((f) => {
    const column = new Array<number | null>(times.length).fill(null);
    if (!f) return column;
    const width = f.series.names.length;
    f.series.times.forEach((time, i) => {
      const value = f.series.values[i * width + f.column]!;
      column[row.get(time)!] = Number.isNaN(value) ? null : value;
    });
    return column;
  });
  return [times, ...columns];
}
