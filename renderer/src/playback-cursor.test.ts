import { describe, expect, it } from 'vitest';
import type { PlaybackData, PlaybackSeries } from '../../protocol/recording.ts';
import { columns, frameAt, indexAt, valuesAt } from './playback-cursor.ts';

describe('playback cursor', () => {
  it('finds the last time at or before t', () => {
    const times = [0, 0.02, 0.04, 0.06];
    expect(indexAt(times, -1)).toBe(0);
    expect(indexAt(times, 0)).toBe(0);
    expect(indexAt(times, 0.039)).toBe(1);
    expect(indexAt(times, 0.04)).toBe(2);
    expect(indexAt(times, 9)).toBe(3);
    expect(indexAt([], 1)).toBe(-1);
  });

  it('gives the frame of poses and the signal values at a time', () => {
    const body = { name: 'b', kind: 'dynamic', geoms: [] } as unknown as PlaybackData['scene']['bodies'][number];
    const playback = {
      scene: { name: 's', bodies: [body, body], joints: [], actuators: [] },
      times: Float64Array.of(0, 1),
      poses: Float32Array.from({ length: 28 }, (_, i) => i),
    } as unknown as PlaybackData;
    const f = frameAt(playback, 1.5)!;
    expect(f.time).toBe(1);
    expect(Array.from(f.poses)).toEqual(Array.from({ length: 14 }, (_, i) => 14 + i));
    const series: PlaybackSeries = { group: 'cost', names: ['total', 'upright'], times: Float64Array.of(0, 1), values: Float32Array.of(1, 2, 3, 4) };
    expect(valuesAt(series, 0.5)).toEqual({ total: 1, upright: 2 });
    expect(valuesAt(series, 1)).toEqual({ total: 3, upright: 4 });
    expect(columns(series)).toEqual([[0, 1], [1, 3], [2, 4]]);
  });
});
