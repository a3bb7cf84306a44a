/** The servo side of Dynamixel Protocol 2.0: instruction packets in, status packets out. */
import * as P from '../buses/dynamixel/protocol2.ts';
import type { DecodedPacket } from '../buses/packet.ts';
import { applyWrite, DXL_ERROR } from './register-writes.ts';
import type { VirtualServo } from './virtual-servo.ts';

const u16 = (p: Uint8Array, at: number) => (p[at] ?? 0) | ((p[at + 1] ?? 0) << 8);
const INSTRUCTION_ERROR = 2;

export function dynamixelReplies(servos: ReadonlyMap<number, VirtualServo>, packet: DecodedPacket): Uint8Array[] {
  const p = packet.params;
  const out: Uint8Array[] = [];
  /** Error byte: the instruction's error, with Alert while a hardware error is latched. */
  const errorByte = (s: VirtualServo, error = 0) => (s.get('Hardware_Error_Status') ? 0x80 : 0) | error;
  const answer = (s: VirtualServo, error: number, data: ArrayLike<number> = []) => {
    if (error) s.emitError(packet.code, error);
    if (!s.silent) out.push(corrupt(s, P.status(s.id, errorByte(s, error), data)));
  };
  const readBytes = (s: VirtualServo, address: number, length: number) => s.memory.slice(address, address + length);
  const targets = packet.id === P.BROADCAST_ID ? [...servos.values()] : [servos.get(packet.id)].filter((s) => s !== undefined);

  switch (packet.code) {
    case P.Instruction.ping:
      for (const s of targets) answer(s, 0, [s.model.number & 0xff, s.model.number >> 8, s.get('Firmware_Version')]);
      break;
    case P.Instruction.read:
      for (const s of targets) if (packet.id !== P.BROADCAST_ID) answer(s, 0, readBytes(s, u16(p, 0), u16(p, 2)));
      break;
    case P.Instruction.write:
    case P.Instruction.regWrite:
      for (const s of targets) {
        const error = applyWrite(s, u16(p, 0), p.subarray(2));
        if (packet.id !== P.BROADCAST_ID) answer(s, error);
      }
      break;
    case P.Instruction.action:
      for (const s of targets) if (packet.id !== P.BROADCAST_ID) answer(s, 0);
      break;
    case P.Instruction.reboot:
      for (const s of targets) {
        s.restart();
        if (packet.id !== P.BROADCAST_ID) answer(s, 0);
      }
      break;
    case P.Instruction.syncRead:
    case P.Instruction.fastSyncRead: {
      const address = u16(p, 0);
      const length = u16(p, 2);
      const listed = [...p.subarray(4)].map((id) => servos.get(id)).filter((s) => s !== undefined && !s.silent) as VirtualServo[];
      if (packet.code === P.Instruction.syncRead) {
        for (const s of listed) answer(s, 0, readBytes(s, address, length));
      } else if (listed.length) {
        // One packet: ERR ID DATA CRC per servo, the last servo's CRC being the packet's.
        const params: number[] = [];
        listed.forEach((s, i) => {
          const block = [errorByte(s), s.id, ...readBytes(s, address, length)];
          params.push(...(i === 0 ? block.slice(1) : block));
          if (i < listed.length - 1) params.push(0, 0); // the per-servo CRC, which readers skip
        });
        out.push(P.status(P.BROADCAST_ID, errorByte(listed[0]!), params));
      }
      break;
    }
    case P.Instruction.syncWrite: {
      const address = u16(p, 0);
      const length = u16(p, 2);
      for (let at = 4; at + 1 + length <= p.length; at += 1 + length) {
        const s = servos.get(p[at]!);
        if (s) applyWrite(s, address, p.subarray(at + 1, at + 1 + length));
      }
      break;
    }
    case P.Instruction.bulkRead:
      for (let at = 0; at + 5 <= p.length; at += 5) {
        const s = servos.get(p[at]!);
        if (s) answer(s, 0, readBytes(s, u16(p, at + 1), u16(p, at + 3)));
      }
      break;
    case P.Instruction.bulkWrite:
      for (let at = 0; at + 5 <= p.length; ) {
        const s = servos.get(p[at]!);
        const length = u16(p, at + 3);
        if (s) applyWrite(s, u16(p, at + 1), p.subarray(at + 5, at + 5 + length));
        at += 5 + length;
      }
      break;
    case P.Instruction.factoryReset:
    case P.Instruction.clear:
      for (const s of targets) if (packet.id !== P.BROADCAST_ID) answer(s, DXL_ERROR.access);
      break;
    case P.Instruction.status:
      break;
    default:
      for (const s of targets) if (packet.id !== P.BROADCAST_ID) answer(s, INSTRUCTION_ERROR);
  }
  return out;
}

/** Flips the CRC of a reply while the servo has corrupted replies queued. */
export function corrupt(s: VirtualServo, packet: Uint8Array): Uint8Array {
  if (s.corruptReplies <= 0) return packet;
  s.corruptReplies--;
  const bad = packet.slice();
  bad[bad.length - 1]! ^= 0xa5;
  return bad;
}
