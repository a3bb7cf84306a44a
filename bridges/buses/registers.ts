/**
 * Control-table registers as data (LeRobot's `name: (address, size)` tables), and the encoding of
 * their values: byte order per protocol family, two's complement (Dynamixel) or sign-magnitude
 * with a family-specific sign bit (Feetech).
 */

export type ByteOrder = 'little' | 'big';

export interface Register {
  address: number;
  size: 1 | 2 | 4;
  /** Two's complement signed value. */
  signed?: boolean;
  /** Sign-magnitude: this bit is the sign, the bits below it the magnitude (Feetech). */
  signBit?: number;
  /** Stored in EEPROM: Feetech needs the Lock register cleared to write it; Dynamixel needs torque off. */
  eeprom?: boolean;
  readOnly?: boolean;
}

export type ControlTable<Name extends string = string> = Readonly<Record<Name, Register>>;

/** Raw bytes of `value` for `reg`; throws naming the register when the value does not fit. */
export function encodeRegister(name: string, reg: Register, value: number, order: ByteOrder): Uint8Array {
  if (!Number.isInteger(value)) throw new Error(`${name}: ${value} is not an integer`);
  const bits = reg.size * 8;
  let raw: number;
  if (reg.signBit !== undefined) {
    const magnitude = Math.abs(value);
    if (magnitude >= 2 ** reg.signBit) throw new Error(`${name}: ${value} does not fit sign-magnitude with sign bit ${reg.signBit}`);
    raw = value < 0 ? magnitude + 2 ** reg.signBit : magnitude;
  } else if (reg.signed) {
    if (value < -(2 ** (bits - 1)) || value >= 2 ** (bits - 1)) throw new Error(`${name}: ${value} does not fit ${bits} signed bits`);
    raw = value < 0 ? value + 2 ** bits : value;
  } else {
    if (value < 0 || value >= 2 ** bits) throw new Error(`${name}: ${value} does not fit ${bits} unsigned bits`);
    raw = value;
  }
  const out = new Uint8Array(reg.size);
  for (let i = 0; i < reg.size; i++) {
    const byte = Math.floor(raw / 2 ** (8 * i)) & 0xff;
    out[order === 'little' ? i : reg.size - 1 - i] = byte;
  }
  return out;
}

/** The value of `reg` from its raw bytes (at `offset` in `bytes`). */
export function decodeRegister(reg: Register, bytes: Uint8Array, offset: number, order: ByteOrder): number {
  let raw = 0;
  for (let i = 0; i < reg.size; i++) {
    const byte = bytes[offset + (order === 'little' ? i : reg.size - 1 - i)] ?? 0;
    raw += byte * 2 ** (8 * i);
  }
  if (reg.signBit !== undefined) {
    const sign = 2 ** reg.signBit;
    const magnitude = raw % sign;
    return Math.floor(raw / sign) % 2 ? -magnitude : magnitude;
  }
  if (reg.signed && raw >= 2 ** (reg.size * 8 - 1)) return raw - 2 ** (reg.size * 8);
  return raw;
}

/** The smallest contiguous span [address, address + length) covering the named registers: one sync read for all of them. */
export function span(table: ControlTable, names: readonly string[]): { address: number; length: number } {
  const regs = names.map((n) => {
    const r = table[n];
    if (!r) throw new Error(`no register '${n}' in this control table`);
    return r;
  });
  const address = Math.min(...regs.map((r) => r.address));
  const end = Math.max(...regs.map((r) => r.address + r.size));
  return { address, length: end - address };
}
