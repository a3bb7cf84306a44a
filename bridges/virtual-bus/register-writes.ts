/** Applying a write of raw bytes to a virtual servo's control table, with each family's access rules. */
import type { VirtualServo } from './virtual-servo.ts';

/** Dynamixel error numbers (status packet bits 0–6). */
export const DXL_ERROR = { dataRange: 4, dataLength: 5, dataLimit: 6, access: 7 } as const;

/** Registers whose writes the virtual bus reports as events (tests assert on them). */
const REPORTED = new Set(['Torque_Enable', 'Bus_Watchdog', 'Lock', 'Homing_Offset', 'Min_Position_Limit', 'Max_Position_Limit', 'Torque_Limit', 'Current_Limit', 'Drive_Mode']);

/** The registers a write of `length` bytes at `address` covers; undefined when it starts or ends inside one. */
function covered(servo: VirtualServo, address: number, length: number): string[] | undefined {
  const names: string[] = [];
  let at = address;
  while (at < address + length) {
    const name = servo.nameAt(at);
    if (!name) return undefined;
    names.push(name);
    at += servo.reg(name).size;
  }
  return at === address + length ? names : undefined;
}

/** Writes `data` at `address`; returns 0 or the Dynamixel error number (Feetech servos just ignore a bad write). */
export function applyWrite(servo: VirtualServo, address: number, data: Uint8Array): number {
  const names = covered(servo, address, data.length);
  if (!names) return DXL_ERROR.dataLength;
  const dynamixel = servo.model.bus === 'dynamixel';
  for (const name of names) {
    const reg = servo.reg(name);
    if (reg.readOnly) return DXL_ERROR.access;
    // Dynamixel: EEPROM is writable only with torque off.
    if (dynamixel && reg.eeprom && servo.torque) return DXL_ERROR.access;
    if (dynamixel && servo.watchdogTripped && name.startsWith('Goal_')) return DXL_ERROR.dataRange;
  }
  const before = new Map(names.map((n) => [n, servo.get(n)]));
  servo.memory.set(data, address);
  for (const name of names) {
    const value = servo.get(name);
    if (name === 'Goal_Position' && (value < servo.get('Min_Position_Limit') || value > servo.get('Max_Position_Limit'))) {
      servo.set(name, before.get(name)!);
      return DXL_ERROR.dataLimit;
    }
    if (name === 'Bus_Watchdog' && value === 0) servo.watchdogTripped = false;
    if (name === 'Goal_Position') servo.goalWrites++;
    // EEPROM survives a restart; on Feetech only what was written while Lock was 0.
    if (servo.reg(name).eeprom && (dynamixel || servo.get('Lock') === 0)) {
      const r = servo.reg(name);
      servo.saved.set(servo.memory.subarray(r.address, r.address + r.size), r.address);
    }
    if (REPORTED.has(name)) servo.emitWrite(name, value);
  }
  return 0;
}
