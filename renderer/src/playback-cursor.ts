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

/** A series' values at time t, by name. */
export function valuesAt(series: PlaybackSeries, t: number): Record<string, number> {
  const i = indexAt(series.times, t);
  const out: Record<string, number> = {};
  if (i < 0) return out;
  series.names.forEach((n, j) => (out[n] = series.values[i * series.names.length + j]!));
  return out;
}

/** A series as uPlot's columns: times, then one column per name. */
export function columns(series: PlaybackSeries): number[][] {
  const width = series.names.length;
  return [Array.from(series.times), ...series.names.map((_, j) => Array.from(series.times, (_t, i) => series.values[i * width + j]!))];
}
