import { describe, expect, it } from 'vitest';
import { decodeRegister, encodeRegister, span, type Register } from './registers.ts';

describe('register encoding', () => {
  it('Dynamixel 4-byte two’s complement, little-endian', () => {
    const reg: Register = { address: 128, size: 4, signed: true };
    expect([...encodeRegister('v', reg, -2, 'little')]).toEqual([0xfe, 0xff, 0xff, 0xff]);
    expect(decodeRegister(reg, Uint8Array.of(0xfe, 0xff, 0xff, 0xff), 0, 'little')).toBe(-2);
    expect(decodeRegister(reg, Uint8Array.of(0xa6, 0, 0, 0), 0, 'little')).toBe(166);
  });

  it('Feetech sign-magnitude (bit 15 for velocity, bit 11 for the homing offset)', () => {
    const vel: Register = { address: 58, size: 2, signBit: 15 };
    expect([...encodeRegister('vel', vel, -100, 'little')]).toEqual([100, 0x80]);
    expect(decodeRegister(vel, Uint8Array.of(100, 0x80), 0, 'little')).toBe(-100);
    const offset: Register = { address: 31, size: 2, signBit: 11 };
    expect([...encodeRegister('off', offset, -1, 'little')]).toEqual([1, 0x08]);
    expect(decodeRegister(offset, Uint8Array.of(0xff, 0x0f), 0, 'little')).toBe(-2047);
    expect(() => encodeRegister('off', offset, 2048, 'little')).toThrow(/off: 2048 does not fit sign-magnitude/);
  });

  it('SCS big-endian', () => {
    const reg: Register = { address: 42, size: 2 };
    expect([...encodeRegister('g', reg, 0x0518, 'big')]).toEqual([0x05, 0x18]);
    expect(decodeRegister(reg, Uint8Array.of(0x05, 0x18), 0, 'big')).toBe(0x0518);
  });

  it('refuses values that do not fit, naming the register', () => {
    expect(() => encodeRegister('Torque_Enable', { address: 64, size: 1 }, 256, 'little')).toThrow(/Torque_Enable/);
    expect(() => encodeRegister('x', { address: 0, size: 2 }, 1.5, 'little')).toThrow(/not an integer/);
  });

  it('one span covers several registers', () => {
    const table = { a: { address: 56, size: 2 }, b: { address: 62, size: 1 }, c: { address: 63, size: 1 } } as const;
    expect(span(table, ['a', 'c'])).toEqual({ address: 56, length: 8 });
  });
});
