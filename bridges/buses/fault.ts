/** A named fault a servo reported, in the words the Robot interface uses (sim/robot/robot.ts RobotFault kinds). */
export type BusFaultKind = 'overload' | 'overheat' | 'voltage' | 'encoder' | 'electrical' | 'communication' | 'limit' | 'other';

export interface BusFault {
  kind: BusFaultKind;
  /** Servo ID; absent for whole-bus faults. */
  id?: number;
  message: string;
}

/** Names of the set bits of `byte`, from a bit → name table. */
export function setBits<T>(byte: number, bits: ReadonlyArray<readonly [bit: number, value: T]>): T[] {
  return bits.filter(([bit]) => (byte >> bit) & 1).map(([, v]) => v);
}
