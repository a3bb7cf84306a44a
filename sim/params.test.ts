import { describe, expect, it } from 'vitest';
import { mergeParams, validateParam } from './params.ts';
import type { ParamSpec } from './params.ts';

const specs: ParamSpec[] = [
  { kind: 'number', key: 'samples', label: 'Samples', default: 32, min: 2, max: 64, integer: true },
  { kind: 'choice', key: 'mode', label: 'Mode', default: 'a', options: ['a', 'b'] },
];

describe('parameter validation', () => {
  it('accepts valid values, parsing numbers from strings', () => {
    expect(validateParam(specs, 'samples', '16', 'controller')).toBe(16);
    expect(validateParam(specs, 'mode', 'b', 'controller')).toBe('b');
  });

  it('names the problem in every error', () => {
    expect(() => validateParam(specs, 'sample', 3, 'controller')).toThrow("unknown controller parameter 'sample'; valid: samples, mode");
    expect(() => validateParam(specs, 'samples', 100, 'controller')).toThrow('controller.samples must be within [2, 64]; got 100');
    expect(() => validateParam(specs, 'samples', 2.5, 'controller')).toThrow('whole number');
    expect(() => validateParam(specs, 'samples', 'lots', 'controller')).toThrow('must be a number');
    expect(() => validateParam(specs, 'mode', 'c', 'controller')).toThrow('must be one of a, b');
  });

  it('changes nothing when one of several values is invalid', () => {
    const current = { samples: 32, mode: 'a' };
    expect(() => mergeParams(specs, current, { mode: 'b', samples: 0 }, 'controller')).toThrow();
    expect(current).toEqual({ samples: 32, mode: 'a' });
  });
});
