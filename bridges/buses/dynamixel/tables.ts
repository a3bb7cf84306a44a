/**
 * Dynamixel X-series control tables (ROBOTIS e-manual, XL330-M288 / XL430-W250 / XM430-W210 pages;
 * the same addresses as LeRobot's X_SERIES_CONTROL_TABLE). Addresses below 64 are EEPROM and can be
 * written only with torque off.
 */
import { rpmPerTick, type MotorModel } from '../motor-model.ts';
import type { ControlTable, Register } from '../registers.ts';

const e = (address: number, size: Register['size'], extra: Partial<Register> = {}): Register => ({ address, size, eeprom: true, ...extra });
const r = (address: number, size: Register['size'], extra: Partial<Register> = {}): Register => ({ address, size, ...extra });

export const X_SERIES = {
  Model_Number: e(0, 2, { readOnly: true }),
  Model_Information: e(2, 4, { readOnly: true }),
  Firmware_Version: e(6, 1, { readOnly: true }),
  ID: e(7, 1),
  Baud_Rate: e(8, 1),
  Return_Delay_Time: e(9, 1),
  Drive_Mode: e(10, 1),
  Operating_Mode: e(11, 1),
  Secondary_ID: e(12, 1),
  Protocol_Type: e(13, 1),
  Homing_Offset: e(20, 4, { signed: true }),
  Moving_Threshold: e(24, 4),
  Temperature_Limit: e(31, 1),
  Max_Voltage_Limit: e(32, 2),
  Min_Voltage_Limit: e(34, 2),
  PWM_Limit: e(36, 2),
  Current_Limit: e(38, 2),
  Acceleration_Limit: e(40, 4),
  Velocity_Limit: e(44, 4),
  Max_Position_Limit: e(48, 4),
  Min_Position_Limit: e(52, 4),
  Shutdown: e(63, 1),
  Torque_Enable: r(64, 1),
  LED: r(65, 1),
  Status_Return_Level: r(68, 1),
  Registered_Instruction: r(69, 1, { readOnly: true }),
  Hardware_Error_Status: r(70, 1, { readOnly: true }),
  Velocity_I_Gain: r(76, 2),
  Velocity_P_Gain: r(78, 2),
  Position_D_Gain: r(80, 2),
  Position_I_Gain: r(82, 2),
  Position_P_Gain: r(84, 2),
  Feedforward_2nd_Gain: r(88, 2),
  Feedforward_1st_Gain: r(90, 2),
  /** 0 off, 1–127 × 20 ms, −1 (0xFF) after it tripped. */
  Bus_Watchdog: r(98, 1, { signed: true }),
  Goal_PWM: r(100, 2, { signed: true }),
  Goal_Current: r(102, 2, { signed: true }),
  Goal_Velocity: r(104, 4, { signed: true }),
  Profile_Acceleration: r(108, 4),
  Profile_Velocity: r(112, 4),
  Goal_Position: r(116, 4, { signed: true }),
  Realtime_Tick: r(120, 2, { readOnly: true }),
  Moving: r(122, 1, { readOnly: true }),
  Moving_Status: r(123, 1, { readOnly: true }),
  Present_PWM: r(124, 2, { signed: true, readOnly: true }),
  /** Present_Current on current-sensing models; Present_Load (0.1 %) on the XL430. */
  Present_Current: r(126, 2, { signed: true, readOnly: true }),
  Present_Velocity: r(128, 4, { signed: true, readOnly: true }),
  Present_Position: r(132, 4, { signed: true, readOnly: true }),
  Velocity_Trajectory: r(136, 4, { signed: true, readOnly: true }),
  Position_Trajectory: r(140, 4, { signed: true, readOnly: true }),
  Present_Input_Voltage: r(144, 2, { readOnly: true }),
  Present_Temperature: r(146, 1, { readOnly: true }),
} as const satisfies ControlTable;

/** The XL430 has no current sensing: no Current_Limit or Goal_Current, and 126 reports load in 0.1 %. */
const { Current_Limit: _cl, Goal_Current: _gc, ...XL430_TABLE } = X_SERIES;

const common = {
  bus: 'dynamixel',
  resolution: 4096,
  byteOrder: 'little',
  velocityUnit: rpmPerTick(0.229),
  voltageRegister: 'Present_Input_Voltage',
  voltageUnit: 0.1,
  busWatchdog: { register: 'Bus_Watchdog', unitMs: 20 },
} as const;

export const DYNAMIXEL_MODELS: readonly MotorModel[] = [
  { ...common, name: 'xl330-m077', number: 1190, table: X_SERIES, effort: { register: 'Present_Current', unit: 'mA', scale: 1 }, torqueLimit: { register: 'Current_Limit', full: 1750 } },
  { ...common, name: 'xl330-m288', number: 1200, table: X_SERIES, effort: { register: 'Present_Current', unit: 'mA', scale: 1 }, torqueLimit: { register: 'Current_Limit', full: 1750 } },
  { ...common, name: 'xl430-w250', number: 1060, table: XL430_TABLE, effort: { register: 'Present_Current', unit: 'percent', scale: 0.1 }, torqueLimit: { register: 'PWM_Limit', full: 885 } },
  { ...common, name: 'xm430-w210', number: 1030, table: X_SERIES, effort: { register: 'Present_Current', unit: 'mA', scale: 2.69 }, torqueLimit: { register: 'Current_Limit', full: 1193 } },
  { ...common, name: 'xm430-w350', number: 1020, table: X_SERIES, effort: { register: 'Present_Current', unit: 'mA', scale: 2.69 }, torqueLimit: { register: 'Current_Limit', full: 1193 } },
];
