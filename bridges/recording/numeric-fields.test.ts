import { describe, expect, it } from 'vitest';
import { numericFields } from './numeric-fields.ts';

describe('numeric fields of a message', () => {
  it('names every numeric leaf by its path; joint arrays by joint name, transforms by frame', () => {
    const jointState = { header: { seq: 3, stamp: { sec: 1, nsec: 5 }, frame_id: '' }, name: ['a', 'b'], position: Float64Array.of(0.5, -1), velocity: Float64Array.of(2, 3), effort: new Float64Array(0) };
    expect(Object.fromEntries(numericFields(jointState))).toEqual({
      'header.seq': 3, 'header.stamp.sec': 1, 'header.stamp.nsec': 5, 'position.a': 0.5, 'position.b': -1, 'velocity.a': 2, 'velocity.b': 3,
    });
    const tf = { transforms: [{ child_frame_id: 'base', transform: { translation: { x: 1, y: 2, z: 3 } } }, { child_frame_id: '', transform: { translation: { x: 4, y: 5, z: 6 } } }] };
    expect(Object.fromEntries(numericFields(tf))).toEqual({
      'transforms.base.transform.translation.x': 1, 'transforms.base.transform.translation.y': 2, 'transforms.base.transform.translation.z': 3,
      'transforms.1.transform.translation.x': 4, 'transforms.1.transform.translation.y': 5, 'transforms.1.transform.translation.z': 6,
    });
    expect(Object.fromEntries(numericFields({ time: 1, total: 2, terms: { upright: 0.5 }, requested: [1, 2], clamped: 0, overridden: 'hold', ok: true, big: 3n, none: null }))).toEqual({
      time: 1, total: 2, 'terms.upright': 0.5, 'requested.0': 1, 'requested.1': 2, clamped: 0,
    });
    expect(numericFields(7).get('')).toBe(7);
  });
});
