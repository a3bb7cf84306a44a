/**
 * Dynamixel Protocol 2.0 packets (ROBOTIS e-manual "Protocol 2.0"; DynamixelSDK's packet handler):
 * `FF FF FD 00 | ID | LEN_L LEN_H | INST | PARAM… | CRC_L CRC_H`, LEN = params + 3, CRC-16 (poly 0x8005)
 * over everything before it, and byte stuffing (an FD after every FF FF FD inside INST…PARAM) so a
 * header can never appear inside a packet. Pure functions and one stream decoder; no I/O.
 */
import { StreamDecoder, type ByteQueue, type DecodedPacket } from '../packet.ts';

export const HEADER = Uint8Array.of(0xff, 0xff, 0xfd, 0x00);
export const BROADCAST_ID = 0xfe;
/** IDs 0–252 address one servo; 253 and 255 are never IDs (they would look like a header). */
export const MAX_ID = 252;

export const Instruction = {
  ping: 0x01,
  read: 0x02,
  write: 0x03,
  regWrite: 0x04,
  action: 0x05,
  factoryReset: 0x06,
  reboot: 0x08,
  clear: 0x10,
  status: 0x55,
  syncRead: 0x82,
  syncWrite: 0x83,
  fastSyncRead: 0x8a,
  bulkRead: 0x92,
  bulkWrite: 0x93,
} as const;

/** The largest LEN we accept: longer than any real packet on a 253-servo bus, short enough that garbage cannot stall the decoder for long. */
const MAX_LENGTH = 1024;

const CRC_TABLE = (() => {
  const table = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i << 8;
    for (let b = 0; b < 8; b++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
    table[i] = crc;
  }
  return table;
})();

/** CRC-16/BUYPASS: poly 0x8005, init 0, no reflection, no final XOR. */
export function crc16(bytes: Uint8Array, crc = 0): number {
  for (const byte of bytes) crc = ((crc << 8) ^ CRC_TABLE[((crc >> 8) ^ byte) & 0xff]!) & 0xffff;
  return crc;
}

/** Inserts an FD after every FF FF FD. */
export function stuff(body: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    out.push(body[i]!);
    if (i >= 2 && body[i] === 0xfd && body[i - 1] === 0xff && body[i - 2] === 0xff) out.push(0xfd);
  }
  return out.length === body.length ? body : Uint8Array.from(out);
}

/** Removes the FD stuffed after every FF FF FD. */
export function unstuff(body: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const b = body[i]!;
    out.push(b);
    if (b === 0xfd && i >= 2 && body[i - 1] === 0xff && body[i - 2] === 0xff && body[i + 1] === 0xfd) i++;
  }
  return out.length === body.length ? body : Uint8Array.from(out);
}

/** A whole packet on the wire: header, ID, length, stuffed INST + params, CRC. */
export function encodePacket(id: number, instruction: number, params: ArrayLike<number> = []): Uint8Array {
  if (!Number.isInteger(id) || id < 0 || id > BROADCAST_ID || id === 0xfd) throw new Error(`Dynamixel ID ${id} is out of range (0–252, 254 broadcast)`);
  const body = stuff(Uint8Array.from([instruction, ...Array.from(params)]));
  const length = body.length + 2;
  const packet = new Uint8Array(7 + length);
  packet.set(HEADER, 0);
  packet[4] = id;
  packet[5] = length & 0xff;
  packet[6] = length >> 8;
  packet.set(body, 7);
  const crc = crc16(packet.subarray(0, packet.length - 2));
  packet[packet.length - 2] = crc & 0xff;
  packet[packet.length - 1] = crc >> 8;
  return packet;
}

const u16 = (v: number): [number, number] => [v & 0xff, (v >> 8) & 0xff];

export const ping = (id: number) => encodePacket(id, Instruction.ping);
export const read = (id: number, address: number, length: number) => encodePacket(id, Instruction.read, [...u16(address), ...u16(length)]);
export const write = (id: number, address: number, data: ArrayLike<number>) => encodePacket(id, Instruction.write, [...u16(address), ...Array.from(data)]);
export const regWrite = (id: number, address: number, data: ArrayLike<number>) => encodePacket(id, Instruction.regWrite, [...u16(address), ...Array.from(data)]);
export const action = (id: number) => encodePacket(id, Instruction.action);
export const reboot = (id: number) => encodePacket(id, Instruction.reboot);
/** Clear (X series FW42+): option 1 resets the multi-turn count; the fixed key guards against a stray packet. */
export const clearMultiTurn = (id: number) => encodePacket(id, Instruction.clear, [0x01, 0x44, 0x58, 0x4c, 0x22]);

export type FactoryResetScope = 'all' | 'except-id' | 'except-id-and-baud';
const RESET_OPTION: Record<FactoryResetScope, number> = { all: 0xff, 'except-id': 0x01, 'except-id-and-baud': 0x02 };

/** Factory reset erases calibration, limits and (for 'all') the ID and baud rate: refused unless `force` is set. */
export function factoryReset(id: number, scope: FactoryResetScope, options: { force?: boolean } = {}): Uint8Array {
  if (!options.force) throw new Error(`factory reset of Dynamixel ID ${id} refused: it erases the control table (pass force to do it anyway)`);
  if (id === BROADCAST_ID && scope === 'all') throw new Error('factory reset of every ID on the bus to ID 1 is refused (the servos ignore it too, FW42+)');
  return encodePacket(id, Instruction.factoryReset, [RESET_OPTION[scope]]);
}

export const syncRead = (address: number, length: number, ids: readonly number[]) =>
  encodePacket(BROADCAST_ID, Instruction.syncRead, [...u16(address), ...u16(length), ...ids]);
/** Fast Sync Read: the servos answer together in one status packet (see parseFastSyncRead). */
export const fastSyncRead = (address: number, length: number, ids: readonly number[]) =>
  encodePacket(BROADCAST_ID, Instruction.fastSyncRead, [...u16(address), ...u16(length), ...ids]);

/** Sync Write: the same `length` bytes at `address` of every servo, one data block per ID. */
export function syncWrite(address: number, length: number, data: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const params = [...u16(address), ...u16(length)];
  for (const [id, bytes] of data) {
    if (bytes.length !== length) throw new Error(`sync write of ${length} bytes: ID ${id} has ${bytes.length}`);
    params.push(id, ...bytes);
  }
  return encodePacket(BROADCAST_ID, Instruction.syncWrite, params);
}

export interface BulkReadItem {
  id: number;
  address: number;
  length: number;
}
export const bulkRead = (items: readonly BulkReadItem[]) =>
  encodePacket(BROADCAST_ID, Instruction.bulkRead, items.flatMap((i) => [i.id, ...u16(i.address), ...u16(i.length)]));

export interface BulkWriteItem {
  id: number;
  address: number;
  data: Uint8Array;
}
export const bulkWrite = (items: readonly BulkWriteItem[]) =>
  encodePacket(BROADCAST_ID, Instruction.bulkWrite, items.flatMap((i) => [i.id, ...u16(i.address), ...u16(i.data.length), ...i.data]));

/** A servo's reply: the error byte and the data after it. */
export interface Status {
  id: number;
  error: number;
  data: Uint8Array;
}

/** Reads a decoded status packet; throws when the packet is an instruction (our own echo, or another master). */
export function parseStatus(packet: DecodedPacket): Status {
  if (packet.code !== Instruction.status) throw new Error(`expected a status packet (0x55) from ID ${packet.id}, got instruction 0x${packet.code.toString(16)}`);
  if (packet.params.length < 1) throw new Error(`status packet from ID ${packet.id} has no error byte`);
  return { id: packet.id, error: packet.params[0]!, data: packet.params.subarray(1) };
}

/**
 * Fast Sync Read reply: one status packet from the broadcast ID whose parameters are, per servo,
 * `ERR ID DATA… CRC_L CRC_H` — except the last servo, whose CRC is the packet's own.
 */
export function parseFastSyncRead(packet: DecodedPacket, length: number): Status[] {
  if (packet.code !== Instruction.status) throw new Error('fast sync read: expected a status packet');
  const block = length + 4;
  const p = packet.params;
  if ((p.length + 2) % block !== 0) throw new Error(`fast sync read: ${p.length} parameter bytes is not a whole number of ${length}-byte replies`);
  const out: Status[] = [];
  for (let at = 0; at < p.length; at += block) out.push({ error: p[at]!, id: p[at + 1]!, data: p.subarray(at + 2, at + 2 + length) });
  return out;
}

/** Builds a status packet (the virtual bus answers with these). */
export const status = (id: number, error: number, data: ArrayLike<number> = []) => encodePacket(id, Instruction.status, [error, ...Array.from(data)]);

/** Stream decoder: finds `FF FF FD 00`, waits for LEN bytes, checks the CRC, unstuffs. */
export class Protocol2Decoder extends StreamDecoder {
  protected extract(q: ByteQueue, out: DecodedPacket[]): void {
    for (;;) {
      // Header: skip bytes until the queue starts with (a prefix of) FF FF FD 00.
      let matched = 0;
      while (matched < 4 && matched < q.length) {
        if (q.at(matched) === HEADER[matched]) matched++;
        else {
          q.drop(1);
          this.stats.discardedBytes++;
          matched = 0;
        }
      }
      if (q.length < 7) return;
      const id = q.at(4);
      const length = q.at(5) | (q.at(6) << 8);
      if (id === 0xfd || id === 0xff || length < 3 || length > MAX_LENGTH) {
        this.stats.lengthErrors++;
        q.drop(1);
        continue;
      }
      const total = 7 + length;
      if (q.length < total) return;
      const frame = q.view(0, total);
      const crc = frame[total - 2]! | (frame[total - 1]! << 8);
      if (crc16(frame.subarray(0, total - 2)) !== crc) {
        this.stats.checksumErrors++;
        q.drop(1);
        continue;
      }
      const body = unstuff(frame.slice(7, total - 2));
      out.push({ id, code: body[0]!, params: body.slice(1) });
      this.stats.packets++;
      q.drop(total);
    }
  }
}
