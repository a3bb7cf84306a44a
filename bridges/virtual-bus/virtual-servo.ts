/**
 * One simulated servo: its control table as bytes, the registers written and read through the
 * model's own table and encoding, first-order position dynamics, torque enable, the Dynamixel X Bus
 * Watchdog, and injected faults (overload, corrupted replies, silence). The vendor peers
 * (dynamixel-peer.ts, feetech-peer.ts) turn packets into reads and writes of it.
 */
import type { MotorModel } from '../buses/motor-model.ts';
import { decodeRegister, encodeRegister, type Register } from '../buses/registers.ts';

/** Time constant of the position loop and the top speed (ticks/s ≈ 5.8 rad/s, an XL330 at 6 V). */
const TAU_S = 0.04;
const MAX_SPEED = 3800;

export type ServoEvent =
  | { event: 'write'; id: number; register: string; value: number }
  | { event: 'watchdog-trip'; id: number }
  | { event: 'fault'; id: number; fault: string }
  | { event: 'error-reply'; id: number; instruction: number; error: number };

export class VirtualServo {
  readonly memory = new Uint8Array(256);
  /** Where the shaft is, in encoder ticks (before any homing offset). */
  angle: number;
  velocity = 0;
  /** Injected: stop answering. */
  silent = false;
  /** Injected: corrupt the checksum of this many next replies. */
  corruptReplies = 0;
  /** Dynamixel: the watchdog tripped; goals are refused until Bus_Watchdog is written 0. */
  watchdogTripped = false;
  /** Feetech: EEPROM fields as saved (Lock cleared while writing); a restart reloads them. */
  readonly saved = new Uint8Array(256);
  lastPacketAt = performance.now();
  /** Goal_Position writes accepted (too many to report one by one: tests read the count from a snapshot). */
  goalWrites = 0;

  constructor(
    readonly model: MotorModel,
    readonly id: number,
    initial: Record<string, number>,
    private readonly emit: (e: ServoEvent) => void,
    startAngle = model.resolution / 2,
  ) {
    this.angle = startAngle;
    for (const [name, value] of Object.entries({ ...initial, ID: id, Model_Number: model.number })) this.set(name, value);
    this.saved.set(this.memory);
    this.refresh();
  }

  reg(name: string): Register {
    const r = this.model.table[name];
    if (!r) throw new Error(`${this.model.name} has no register ${name}`);
    return r;
  }

  get(name: string): number {
    return decodeRegister(this.reg(name), this.memory, this.reg(name).address, this.model.byteOrder);
  }

  set(name: string, value: number): void {
    const r = this.reg(name);
    this.memory.set(encodeRegister(name, r, value, this.model.byteOrder), r.address);
  }

  has(name: string): boolean {
    return name in this.model.table;
  }

  /** Register name at an address (for events and access checks). */
  nameAt(address: number): string | undefined {
    return Object.entries(this.model.table).find(([, r]) => r.address === address)?.[0];
  }

  get torque(): boolean {
    return this.get('Torque_Enable') === 1;
  }

  /** Present_Position as the servo reports it: Dynamixel adds the homing offset, Feetech subtracts it. */
  presentFromAngle(angle: number): number {
    const offset = this.get('Homing_Offset');
    return Math.round(this.model.bus === 'dynamixel' ? angle + offset : angle - offset);
  }

  angleFromPresent(present: number): number {
    const offset = this.get('Homing_Offset');
    return this.model.bus === 'dynamixel' ? present - offset : present + offset;
  }

  /** Advances the motor by dt seconds and refreshes the Present_* registers. */
  step(dt: number, now: number): void {
    this.checkWatchdog(now);
    if (this.torque && !this.watchdogTripped) {
      const target = this.angleFromPresent(this.get('Goal_Position'));
      const v = Math.max(-MAX_SPEED, Math.min(MAX_SPEED, (target - this.angle) / TAU_S));
      // Exact first-order response over dt, capped by the speed limit.
      const move = (target - this.angle) * (1 - Math.exp(-dt / TAU_S));
      this.angle += Math.abs(move) > MAX_SPEED * dt ? Math.sign(move) * MAX_SPEED * dt : move;
      this.velocity = v;
    } else {
      this.velocity = 0;
    }
    this.refresh();
  }

  private refresh(): void {
    const present = this.presentFromAngle(this.angle);
    const min = this.model.bus === 'feetech' ? -32767 : -(2 ** 31);
    this.set('Present_Position', Math.max(min, present));
    const ticksPerS = this.velocity;
    const radPerS = (ticksPerS * 2 * Math.PI) / this.model.resolution;
    this.set('Present_Velocity', Math.round(radPerS / this.model.velocityUnit));
    const load = Math.round(Math.min(1, Math.abs(this.velocity) / MAX_SPEED) * 300) * Math.sign(this.velocity);
    this.set(this.model.effort.register, this.overloaded ? 1000 : load);
    this.set('Moving', Math.abs(this.velocity) > 5 ? 1 : 0);
  }

  get overloaded(): boolean {
    return this.model.bus === 'dynamixel' ? (this.get('Hardware_Error_Status') & 0x20) !== 0 : (this.statusBits & 0x20) !== 0;
  }

  /** Feetech: the status byte every reply carries. */
  statusBits = 0;

  injectOverload(): void {
    if (this.model.bus === 'dynamixel') this.set('Hardware_Error_Status', this.get('Hardware_Error_Status') | 0x20);
    else this.statusBits |= 0x20;
    // Both families unload a servo that reports overload (Dynamixel Shutdown bit 5; Feetech Unloading_Condition).
    this.set('Torque_Enable', 0);
    this.emit({ event: 'fault', id: this.id, fault: 'overload' });
  }

  /** A hand moving the joint (torque off) or a collision pushing it. */
  moveTo(present: number): void {
    this.angle = this.angleFromPresent(present);
    this.refresh();
  }

  emitWrite(register: string, value: number): void {
    this.emit({ event: 'write', id: this.id, register, value });
  }

  /** Answers with an error: counted as an event so a test sees what the servo refused. */
  emitError(instruction: number, error: number): void {
    this.emit({ event: 'error-reply', id: this.id, instruction, error });
  }

  /** Restart (Feetech) / reboot (Dynamixel): RAM from the saved EEPROM, torque off, faults cleared. */
  restart(): void {
    const eepromEnd = Math.max(...Object.values(this.model.table).filter((r) => r.eeprom).map((r) => r.address + r.size));
    this.memory.set(this.saved.subarray(0, eepromEnd), 0);
    this.set('Torque_Enable', 0);
    this.statusBits = 0;
    if (this.model.bus === 'dynamixel') this.set('Hardware_Error_Status', 0);
    this.watchdogTripped = false;
    if (this.has('Bus_Watchdog')) this.set('Bus_Watchdog', 0);
    this.refresh();
  }

  heard(now: number): void {
    this.lastPacketAt = now;
  }

  private checkWatchdog(now: number): void {
    if (this.model.bus !== 'dynamixel' || this.watchdogTripped || !this.torque) return;
    const setting = this.get('Bus_Watchdog');
    if (setting > 0 && now - this.lastPacketAt > setting * 20) {
      this.watchdogTripped = true;
      this.set('Bus_Watchdog', -1);
      // "The DYNAMIXEL will stop": hold where it is; goal values become read-only until cleared.
      this.set('Goal_Position', this.presentFromAngle(this.angle));
      this.emit({ event: 'watchdog-trip', id: this.id });
    }
  }
}
