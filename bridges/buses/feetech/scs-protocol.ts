/**
 * Feetech SCS/STS/SMS serial-bus servo protocol (FT-SCS manual; FTServo_Python's packet handler):
 * `FF FF | ID | LEN | INST | PARAM… | CHK`, LEN = params + 2, CHK = ~(ID + LEN + INST + params) & 0xFF.
 * A reply has the same frame with the servo's status byte in place of INST. Pure functions and one
 * stream decoder; no I/O. Byte order of multi-byte values depends on the family (registers.ts).
 */
import { StreamDecoder, type ByteQueue, type DecodedPacket } from '../packet.ts';

export const BROADCAST_ID = 0xfe;
export const MAX_ID = 253;

export const Instruction = {
  ping: 0x01,
  read: 0x02,
  write: 0x03,
  regWrite: 0x04,
  action: 0x05,
  /** Restore factory parameters. */
  reset: 0x06,
  restart: 0x08,
  syncRead: 0x82,
  syncWrite: 0x83,
} as const;

export function checksum(bytes: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) sum += bytes[i]!;
  return ~sum & 0xff;
}

export function encodePacket(id: number, instruction: number, params: ArrayLike<number> = []): Uint8Array {
  if (!Number.isInteger(id) || id < 0 || id > BROADCAST_ID) throw new Error(`Feetech ID ${id} is out of range (0–253, 254 broadcast)`);
  if (params.length > 250) throw new Error(`Feetech packet of ${params.length} parameter bytes is too long (LEN is one byte)`);
  const packet = new Uint8Array(6 + params.length);
  packet[0] = 0xff;
  packet[1] = 0xff;
  packet[2] = id;
  packet[3] = params.length + 2;
  packet[4] = instruction;
  packet.set(Array.from(params), 5);
  packet[packet.length - 1] = checksum(packet.subarray(2, packet.length - 1));
  return packet;
}

export const ping = (id: number) => encodePacket(id, Instruction.ping);
export const read = (id: number, address: number, length: number) => encodePacket(id, Instruction.read, [address, length]);
export const write = (id: number, address: number, data: ArrayLike<number>) => encodePacket(id, Instruction.write, [address, ...Array.from(data)]);
export const regWrite = (id: number, address: number, data: ArrayLike<number>) => encodePacket(id, Instruction.regWrite, [address, ...Array.from(data)]);
export const action = (id: number) => encodePacket(id, Instruction.action);
export const restart = (id: number) => encodePacket(id, Instruction.restart);
export const syncRead = (address: number, length: number, ids: readonly number[]) => encodePacket(BROADCAST_ID, Instruction.syncRead, [address, length, ...ids]);

export function syncWrite(address: number, length: number, data: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const params = [address, length];
  for (const [id, bytes] of data) {
    if (bytes.length !== length) throw new Error(`sync write of ${length} bytes: ID ${id} has ${bytes.length}`);
    params.push(id, ...bytes);
  }
  return encodePacket(BROADCAST_ID, Instruction.syncWrite, params);
}

/** Restoring factory parameters erases calibration and limits: refused unless `force` is set. */
export function factoryReset(id: number, options: { force?: boolean } = {}): Uint8Array {
  if (!options.force) throw new Error(`factory reset of Feetech ID ${id} refused: it erases calibration and limits (pass force to do it anyway)`);
  return encodePacket(id, Instruction.reset);
}

/** A reply (the virtual bus answers with these): status byte, then data. */
export const reply = (id: number, status: number, data: ArrayLike<number> = []) => encodePacket(id, status, data);

/** Stream decoder: finds `FF FF`, reads ID and LEN, checks the checksum. */
export class ScsDecoder extends StreamDecoder {
  protected extract(q: ByteQueue, out: DecodedPacket[]): void {
    for (;;) {
      while (q.length >= 1 && q.at(0) !== 0xff) {
        q.drop(1);
        this.stats.discardedBytes++;
      }
      if (q.length >= 2 && q.at(1) !== 0xff) {
        q.drop(2);
        this.stats.discardedBytes += 2;
        continue;
      }
      // FF FF FF…: the first FF is noise before the header.
      if (q.length >= 3 && q.at(2) === 0xff) {
        q.drop(1);
        this.stats.discardedBytes++;
        continue;
      }
      if (q.length < 4) return;
      const length = q.at(3);
      if (length < 2) {
        this.stats.lengthErrors++;
        q.drop(1);
        continue;
      }
      const total = 4 + length;
      if (q.length < total) return;
      const frame = q.view(0, total);
      if (checksum(frame.subarray(2, total - 1)) !== frame[total - 1]) {
        this.stats.checksumErrors++;
        q.drop(1);
        continue;
      }
      out.push({ id: frame[2]!, code: frame[4]!, params: frame.slice(5, total - 1) });
      this.stats.packets++;
      q.drop(total);
    }
  }
}
