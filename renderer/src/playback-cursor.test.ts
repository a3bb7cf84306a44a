import { describe, expect, it } from 'vitest';
import type { PlaybackData, PlaybackSeries } from '../../protocol/recording.ts';
import { frameAt, indexAt, signalColumns, signalValuesAt } from './playback-cursor.ts';

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
  });

  it('reads any recorded field by name at a time, and lines fields of different topics up on one time axis', () => {
    const cost: PlaybackSeries = { group: '/cost', names: ['total', 'terms.upright'], times: Float64Array.of(0, 1), values: Float32Array.of(1, 2, 3, 4) };
    const timing: PlaybackSeries = { group: '/timing', names: ['planMs'], times: Float64Array.of(0.5, 1), values: Float32Array.of(7, NaN) };
    const series = [cost, timing];
    expect(signalValuesAt(series, ['/cost / total', '/cost / terms.upright'], 0.5)).toEqual({ '/cost / total': 1, '/cost / terms.upright': 2 });
    expect(signalValuesAt(series, ['/cost / terms.upright', '/timing / planMs', '/nothing / x', '/cost / nothing'], 0.7)).toEqual({ '/cost / terms.upright': 2, '/timing / planMs': 7 });
    expect(signalColumns(series, ['/cost / total', '/timing / planMs', '/cost / nothing'])).toEqual([
      [0, 0.5, 1],
      [1, null, 3],
      [null, 7, null],
      [null, null, null],
    ]);
  });
});
