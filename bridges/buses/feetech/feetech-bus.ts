/** Feetech STS/SCS servos: status bytes to named faults, EEPROM Lock cleared around EEPROM writes. */
import { SerialMotorBus, type FoundMotor } from '../motor-bus.ts';
import { modelByNumber } from '../models.ts';
import type { DecodedPacket } from '../packet.ts';
import { decodeRegister } from '../registers.ts';
import { decodeStatus } from './faults.ts';
import * as S from './scs-protocol.ts';
import { STS_SERIES } from './tables.ts';

export class FeetechBus extends SerialMotorBus {
  readonly kind = 'feetech' as const;
  readonly torqueOffPacket = S.write(S.BROADCAST_ID, STS_SERIES.Torque_Enable.address, [0]);

  protected pingPacket = S.ping;
  protected readPacket = S.read;
  protected writePacket = S.write;
  protected syncReadPacket = S.syncRead;
  protected syncWritePacket = S.syncWrite;

  // Feetech replies and instructions share one frame: a reply is what the addressed servo sends back.
  protected isReply(_packet: DecodedPacket): boolean {
    return true;
  }

  protected dataLength(packet: DecodedPacket): number {
    return packet.params.length;
  }

  protected replyData(packet: DecodedPacket): Uint8Array {
    if (packet.code) this.faults.push(...decodeStatus(packet.id, packet.code));
    return packet.params;
  }

  protected async identify(id: number, _reply: DecodedPacket): Promise<FoundMotor> {
    const head = await this.readBytes(id, 0, 5);
    const number = decodeRegister(STS_SERIES.Model_Number, head, 3, 'little');
    return { id, modelNumber: number, model: modelByNumber('feetech', number)?.name ?? `unknown (${number})`, firmware: head[0]! };
  }

  /** EEPROM fields are saved only while Lock (55) is 0: unlock, write, lock again (LeRobot does the same). */
  override async write(id: number, name: string, value: number): Promise<void> {
    if (!this.register(id, name).eeprom) return super.write(id, name, value);
    await super.write(id, 'Lock', 0);
    try {
      await super.write(id, name, value);
    } finally {
      await super.write(id, 'Lock', 1);
    }
  }
}
