/** The servo side of the Feetech SCS/STS protocol: instruction packets in, replies with the status byte out. */
import * as S from '../buses/feetech/scs-protocol.ts';
import type { DecodedPacket } from '../buses/packet.ts';
import { corrupt } from './dynamixel-peer.ts';
import { applyWrite } from './register-writes.ts';
import type { VirtualServo } from './virtual-servo.ts';

export function feetechReplies(servos: ReadonlyMap<number, VirtualServo>, packet: DecodedPacket): Uint8Array[] {
  const p = packet.params;
  const out: Uint8Array[] = [];
  const broadcast = packet.id === S.BROADCAST_ID;
  const answer = (s: VirtualServo, data: ArrayLike<number> = []) => {
    if (!s.silent) out.push(corrupt(s, S.reply(s.id, s.statusBits, data)));
  };
  const targets = broadcast ? [...servos.values()] : [servos.get(packet.id)].filter((s) => s !== undefined);
  const readBytes = (s: VirtualServo, address: number, length: number) => s.memory.slice(address, address + length);

  switch (packet.code) {
    case S.Instruction.ping:
      for (const s of targets) answer(s);
      break;
    case S.Instruction.read:
      if (!broadcast) for (const s of targets) answer(s, readBytes(s, p[0] ?? 0, p[1] ?? 0));
      break;
    case S.Instruction.write:
    case S.Instruction.regWrite:
      for (const s of targets) {
        applyWrite(s, p[0] ?? 0, p.subarray(1));
        if (!broadcast) answer(s);
      }
      break;
    case S.Instruction.action:
      if (!broadcast) for (const s of targets) answer(s);
      break;
    case S.Instruction.restart:
      for (const s of targets) s.restart();
      break;
    case S.Instruction.syncRead: {
      const [address = 0, length = 0] = p;
      for (const id of p.subarray(2)) {
        const s = servos.get(id);
        if (s) answer(s, readBytes(s, address, length));
      }
      break;
    }
    case S.Instruction.syncWrite: {
      const [address = 0, length = 0] = p;
      for (let at = 2; at + 1 + length <= p.length; at += 1 + length) {
        const s = servos.get(p[at]!);
        if (s) applyWrite(s, address, p.subarray(at + 1, at + 1 + length));
      }
      break;
    }
    default:
      // Replies from other servos on the bus, unknown instructions, factory reset: ignored.
      break;
  }
  return out;
}
