/**
 * Dynamixel errors: the status packet's error byte (bit 7 Alert, bits 0–6 the instruction's error
 * number) and, when Alert is set, the Hardware Error Status register (70) that says why.
 */
import { setBits, type BusFault, type BusFaultKind } from '../fault.ts';

export const STATUS_ERRORS: Readonly<Record<number, string>> = {
  1: 'result fail',
  2: 'instruction error',
  3: 'CRC error',
  4: 'data range error',
  5: 'data length error',
  6: 'data limit error',
  7: 'access error',
};

export interface StatusError {
  /** The servo has a hardware error: read Hardware_Error_Status (70). */
  alert: boolean;
  /** The instruction's error, if it failed (e.g. 'data range error'). */
  error?: string;
}

export function decodeStatusError(byte: number): StatusError {
  const number = byte & 0x7f;
  return { alert: (byte & 0x80) !== 0, ...(number ? { error: STATUS_ERRORS[number] ?? `error ${number}` } : {}) };
}

/** Hardware Error Status (70) bits, X series. */
const HARDWARE_BITS: ReadonlyArray<readonly [number, { kind: BusFaultKind; message: string }]> = [
  [0, { kind: 'voltage', message: 'input voltage out of range' }],
  [2, { kind: 'overheat', message: 'overheating' }],
  [3, { kind: 'encoder', message: 'motor encoder error' }],
  [4, { kind: 'electrical', message: 'electrical shock (motor circuit)' }],
  [5, { kind: 'overload', message: 'overload: sustained load beyond the motor’s capacity' }],
];

export function decodeHardwareError(id: number, byte: number): BusFault[] {
  return setBits(byte, HARDWARE_BITS).map((f) => ({ ...f, id, message: `ID ${id}: ${f.message}` }));
}
