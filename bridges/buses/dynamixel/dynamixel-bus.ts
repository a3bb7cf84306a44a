/** Dynamixel X servos over Protocol 2.0: status errors to named faults, Hardware_Error_Status on Alert, the Bus Watchdog. */
import { ServoError, SerialMotorBus, type FoundMotor } from '../motor-bus.ts';
import { modelByNumber } from '../models.ts';
import type { DecodedPacket } from '../packet.ts';
import { decodeHardwareError, decodeStatusError } from './faults.ts';
import * as P from './protocol2.ts';
import { X_SERIES } from './tables.ts';

export class DynamixelBus extends SerialMotorBus {
  readonly kind = 'dynamixel' as const;
  readonly torqueOffPacket = P.write(P.BROADCAST_ID, X_SERIES.Torque_Enable.address, [0]);
  /** IDs whose last status had Alert set: their Hardware_Error_Status is read by readHardwareErrors(). */
  readonly alerts = new Set<number>();

  protected pingPacket = P.ping;
  protected readPacket = P.read;
  protected writePacket = P.write;
  protected syncReadPacket = P.syncRead;
  protected syncWritePacket = P.syncWrite;

  protected isReply(packet: DecodedPacket): boolean {
    return packet.code === P.Instruction.status;
  }

  protected dataLength(packet: DecodedPacket): number {
    return packet.params.length - 1;
  }

  protected replyData(packet: DecodedPacket): Uint8Array {
    const status = P.parseStatus(packet);
    const error = decodeStatusError(status.error);
    if (error.alert) this.alerts.add(status.id);
    if (error.error) throw new ServoError(status.id, `ID ${status.id} refused the instruction: ${error.error}`);
    return status.data;
  }

  protected async identify(id: number, reply: DecodedPacket): Promise<FoundMotor> {
    const d = P.parseStatus(reply).data;
    const number = (d[0] ?? 0) | ((d[1] ?? 0) << 8);
    return { id, modelNumber: number, model: modelByNumber('dynamixel', number)?.name ?? `unknown (${number})`, firmware: d[2] ?? 0 };
  }

  /** Reads Hardware_Error_Status of every servo that raised Alert and records named faults. */
  async readHardwareErrors(): Promise<void> {
    for (const id of [...this.alerts]) {
      this.alerts.delete(id);
      const bits = await this.read(id, 'Hardware_Error_Status').catch(() => undefined);
      if (bits) this.faults.push(...decodeHardwareError(id, bits));
      else if (bits === undefined) this.faults.push({ kind: 'communication', id, message: `ID ${id}: raised Alert, but Hardware_Error_Status could not be read` });
    }
  }

  /**
   * Arms each servo's Bus Watchdog: with torque on, a servo that hears no packet for `ms` stops by
   * itself — the protection left when this process is killed. Rounded up to its 20 ms unit.
   */
  async armBusWatchdog(ms: number, ids: readonly number[] = [...this.motors.keys()]): Promise<number> {
    const units = Math.max(1, Math.min(127, Math.ceil(ms / 20)));
    for (const id of ids) await this.write(id, 'Bus_Watchdog', units);
    return units * 20;
  }

  /** Clears a tripped watchdog (it reads −1) and disables it. */
  async clearBusWatchdog(ids: readonly number[] = [...this.motors.keys()]): Promise<void> {
    for (const id of ids) await this.write(id, 'Bus_Watchdog', 0);
  }

  async reboot(id: number): Promise<void> {
    const [reply] = await this.transport.transact(P.reboot(id), { replies: 1, accept: (p) => this.isReply(p) && p.id === id, timeoutMs: 200 });
    this.replyData(reply!);
  }

  /** Fast Sync Read: the servos answer in one packet (X series FW45+), fewer bytes and gaps on the wire. */
  async fastSyncRead(address: number, length: number, ids: readonly number[]): Promise<Map<number, Uint8Array>> {
    const [reply] = await this.transport.transact(P.fastSyncRead(address, length, ids), {
      replies: 1,
      accept: (p) => this.isReply(p) && p.id === P.BROADCAST_ID,
      timeoutMs: this.timeoutMs,
      retries: this.retries,
    });
    const out = new Map<number, Uint8Array>();
    for (const s of P.parseFastSyncRead(reply!, length)) {
      if (decodeStatusError(s.error).alert) this.alerts.add(s.id);
      out.set(s.id, s.data);
    }
    return out;
  }
}
