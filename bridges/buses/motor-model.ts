/** What a bus needs to know about one servo model: its control table, byte order and units. */
import type { ByteOrder, ControlTable } from './registers.ts';

export type BusKind = 'dynamixel' | 'feetech';

export interface MotorModel {
  /** Lower-case model name used in robot configurations ('xl330-m288', 'sts3215'). */
  name: string;
  bus: BusKind;
  /** Model number the servo reports to ping / at Model_Number. */
  number: number;
  /** Encoder ticks per turn. */
  resolution: number;
  byteOrder: ByteOrder;
  table: ControlTable;
  /** rad/s per Present_Velocity tick. */
  velocityUnit: number;
  /** The register that reports effort, and what one tick of it is. */
  effort: { register: string; unit: 'mA' | 'percent'; scale: number };
  /** The register reporting supply voltage, and volts per tick. */
  voltageRegister: string;
  voltageUnit: number;
  /** A hardware watchdog register that stops the motor when the bus goes quiet (Dynamixel X Bus_Watchdog), and its tick in ms. */
  busWatchdog?: { register: string; unitMs: number };
  /** Registers for the torque limit and its full scale, where the model has one. */
  torqueLimit?: { register: string; full: number };
}

const RPM = (2 * Math.PI) / 60;
export const rpmPerTick = (rpm: number): number => rpm * RPM;
