import { describe, expect, it } from 'vitest';
import { fixed } from './format.ts';

describe('fixed', () => {
  it('rounds a finite number and shows a dash for what JSON made of NaN and infinities', () => {
    expect(fixed(-1.2345, 2)).toBe('-1.23');
    expect(fixed(0, 3)).toBe('0.000');
    const overJson = JSON.parse(JSON.stringify({ nan: NaN, inf: -Infinity })) as { nan: number; inf: number };
    expect([fixed(overJson.nan, 2), fixed(overJson.inf, 2), fixed(undefined, 2), fixed(NaN, 2)]).toEqual(['—', '—', '—', '—']);
  });
});
