/**
 * Feetech STS/SMS control table (Feetech STS3215 memory table; the addresses LeRobot's
 * STS_SMS_SERIES_CONTROL_TABLE uses). Values are little-endian; signed fields are sign-magnitude
 * with the sign bit given per field. EEPROM fields (below 40) are written with Lock (55) cleared.
 */
import type { MotorModel } from '../motor-model.ts';
import type { ControlTable, Register } from '../registers.ts';

const e = (address: number, size: Register['size'], extra: Partial<Register> = {}): Register => ({ address, size, eeprom: true, ...extra });
const r = (address: number, size: Register['size'], extra: Partial<Register> = {}): Register => ({ address, size, ...extra });

export const STS_SERIES = {
  Firmware_Major_Version: e(0, 1, { readOnly: true }),
  Firmware_Minor_Version: e(1, 1, { readOnly: true }),
  Model_Number: e(3, 2, { readOnly: true }),
  ID: e(5, 1),
  Baud_Rate: e(6, 1),
  Return_Delay_Time: e(7, 1),
  Response_Status_Level: e(8, 1),
  Min_Position_Limit: e(9, 2),
  Max_Position_Limit: e(11, 2),
  Max_Temperature_Limit: e(13, 1),
  Max_Voltage_Limit: e(14, 1),
  Min_Voltage_Limit: e(15, 1),
  Max_Torque_Limit: e(16, 2),
  Phase: e(18, 1),
  Unloading_Condition: e(19, 1),
  LED_Alarm_Condition: e(20, 1),
  P_Coefficient: e(21, 1),
  D_Coefficient: e(22, 1),
  I_Coefficient: e(23, 1),
  Minimum_Startup_Force: e(24, 2),
  CW_Dead_Zone: e(26, 1),
  CCW_Dead_Zone: e(27, 1),
  Protection_Current: e(28, 2),
  Angular_Resolution: e(30, 1),
  Homing_Offset: e(31, 2, { signBit: 11 }),
  Operating_Mode: e(33, 1),
  Protective_Torque: e(34, 1),
  Protection_Time: e(35, 1),
  Overload_Torque: e(36, 1),
  Torque_Enable: r(40, 1),
  Acceleration: r(41, 1),
  Goal_Position: r(42, 2, { signBit: 15 }),
  Goal_Time: r(44, 2),
  Goal_Velocity: r(46, 2, { signBit: 15 }),
  Torque_Limit: r(48, 2),
  Lock: r(55, 1),
  Present_Position: r(56, 2, { signBit: 15, readOnly: true }),
  Present_Velocity: r(58, 2, { signBit: 15, readOnly: true }),
  Present_Load: r(60, 2, { signBit: 10, readOnly: true }),
  Present_Voltage: r(62, 1, { readOnly: true }),
  Present_Temperature: r(63, 1, { readOnly: true }),
  Status: r(65, 1, { readOnly: true }),
  Moving: r(66, 1, { readOnly: true }),
  Present_Current: r(69, 2, { readOnly: true }),
} as const satisfies ControlTable;

export const FEETECH_MODELS: readonly MotorModel[] = [
  {
    name: 'sts3215',
    bus: 'feetech',
    number: 777,
    resolution: 4096,
    byteOrder: 'little',
    table: STS_SERIES,
    // Present_Velocity counts encoder steps per second.
    velocityUnit: (2 * Math.PI) / 4096,
    effort: { register: 'Present_Load', unit: 'percent', scale: 0.1 },
    voltageRegister: 'Present_Voltage',
    voltageUnit: 0.1,
    torqueLimit: { register: 'Torque_Limit', full: 1000 },
  },
];

