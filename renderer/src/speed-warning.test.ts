import { describe, expect, it } from 'vitest';
import { speedShortfall } from './speed-warning.ts';

describe('speedShortfall', () => {
  it('warns when the real-time factor falls short of the speed asked while playing', () => {
    expect(speedShortfall(4, 1.1, true)).toBe('this machine keeps 1.1× of the 4× asked');
    expect(speedShortfall(1, 0.42, true)).toBe('this machine keeps 0.42× of the 1× asked');
  });

  it('stays quiet when the speed is kept, when paused, and before the first measurement', () => {
    expect(speedShortfall(4, 3.9, true)).toBeUndefined();
    expect(speedShortfall(4, 1.1, false)).toBeUndefined();
    expect(speedShortfall(4, 0, true)).toBeUndefined();
    expect(speedShortfall(4, undefined, true)).toBeUndefined();
  });
});
