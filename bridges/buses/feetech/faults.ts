/** Feetech status byte bits (SCServo SDK's ERRBIT_*): the reply's error byte is the fault set itself. */
import { setBits, type BusFault, type BusFaultKind } from '../fault.ts';

const STATUS_BITS: ReadonlyArray<readonly [number, { kind: BusFaultKind; message: string }]> = [
  [0, { kind: 'voltage', message: 'input voltage out of range' }],
  [1, { kind: 'encoder', message: 'angle sensor error' }],
  [2, { kind: 'overheat', message: 'overheating' }],
  [3, { kind: 'electrical', message: 'overcurrent' }],
  [5, { kind: 'overload', message: 'overload' }],
];

export function decodeStatus(id: number, byte: number): BusFault[] {
  return setBits(byte, STATUS_BITS).map((f) => ({ ...f, id, message: `ID ${id}: ${f.message}` }));
}
