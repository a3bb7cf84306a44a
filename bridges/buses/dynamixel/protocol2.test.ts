import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, hex } from '../packet.ts';
import * as P from './protocol2.ts';
import { decodeHardwareError, decodeStatusError } from './faults.ts';

/** Rows `| DXL2-… | what | `hex` | src |` of the repository's protocol vectors file. */
function vectors(prefix: string): Map<string, Uint8Array> {
  const text = readFileSync(new URL('../../../assets/reference/protocol_vectors.md', import.meta.url), 'utf8');
  const rows = new Map<string, Uint8Array>();
  for (const m of text.matchAll(/^\| (\S+) \| [^|]* \| `([0-9A-F ]+)` \|/gm)) if (m[1]!.startsWith(prefix)) rows.set(m[1]!, fromHex(m[2]!));
  return rows;
}
const V = vectors('DXL2-');
const v = (id: string) => {
  const bytes = V.get(id);
  if (!bytes) throw new Error(`no vector ${id}`);
  return bytes;
};
const decodeOne = (bytes: Uint8Array) => {
  const packets = new P.Protocol2Decoder().push(bytes);
  expect(packets).toHaveLength(1);
  return packets[0]!;
};

describe('Dynamixel Protocol 2.0 — protocol_vectors.md', () => {
  it('holds the six e-manual rows', () => expect([...V.keys()]).toEqual(['DXL2-01', 'DXL2-02', 'DXL2-05', 'DXL2-06', 'DXL2-07', 'DXL2-08']));
  it('ping', () => expect(hex(P.ping(1))).toBe(hex(v('DXL2-01'))));
  it('ping status: model 1030, firmware 38', () => {
    const s = P.parseStatus(decodeOne(v('DXL2-02')));
    expect(s).toMatchObject({ id: 1, error: 0 });
    expect([...s.data]).toEqual([0x06, 0x04, 0x26]);
    expect(hex(P.status(1, 0, [0x06, 0x04, 0x26]))).toBe(hex(v('DXL2-02')));
  });
  it('read Present_Position and its status', () => {
    expect(hex(P.read(1, 132, 4))).toBe(hex(v('DXL2-05')));
    expect([...P.parseStatus(decodeOne(v('DXL2-06'))).data]).toEqual([0xa6, 0, 0, 0]);
  });
  it('write Goal_Position = 512', () => expect(hex(P.write(1, 116, [0, 2, 0, 0]))).toBe(hex(v('DXL2-07'))));
  it('empty status', () => expect(hex(P.status(1, 0))).toBe(hex(v('DXL2-08'))));
});

/** Every other instruction's example from the e-manual "Protocol 2.0" page (ROBOTIS-GIT/emanual docs/en/dxl/protocol2.md @ 01179568). */
describe('Dynamixel Protocol 2.0 — the e-manual’s other instruction examples', () => {
  const cases: Array<[string, Uint8Array, string]> = [
    ['broadcast ping', P.ping(P.BROADCAST_ID), 'FF FF FD 00 FE 03 00 01 31 42'],
    ['reg write Goal_Velocity = 200', P.regWrite(1, 104, [0xc8, 0, 0, 0]), 'FF FF FD 00 01 09 00 04 68 00 C8 00 00 00 AE 8E'],
    ['action', P.action(1), 'FF FF FD 00 01 03 00 05 02 CE'],
    ['factory reset except ID', P.factoryReset(1, 'except-id', { force: true }), 'FF FF FD 00 01 04 00 06 01 A1 E6'],
    ['reboot', P.reboot(1), 'FF FF FD 00 01 03 00 08 2F 4E'],
    ['clear multi-turn', P.clearMultiTurn(1), 'FF FF FD 00 01 08 00 10 01 44 58 4C 22 B1 DC'],
    ['sync read Present_Position of 1, 2', P.syncRead(132, 4, [1, 2]), 'FF FF FD 00 FE 09 00 82 84 00 04 00 01 02 CE FA'],
    [
      'sync write Goal_Position 150, 170',
      P.syncWrite(116, 4, new Map([[1, Uint8Array.of(0x96, 0, 0, 0)], [2, Uint8Array.of(0xaa, 0, 0, 0)]])),
      'FF FF FD 00 FE 11 00 83 74 00 04 00 01 96 00 00 00 02 AA 00 00 00 82 87',
    ],
    [
      'bulk read voltage of 1, temperature of 2',
      P.bulkRead([{ id: 1, address: 144, length: 2 }, { id: 2, address: 146, length: 1 }]),
      'FF FF FD 00 FE 0D 00 92 01 90 00 02 00 02 92 00 01 00 1A 05',
    ],
    [
      'bulk write Max_Voltage_Limit of 1, Temperature_Limit of 2',
      P.bulkWrite([{ id: 1, address: 32, data: Uint8Array.of(0xa0, 0) }, { id: 2, address: 31, data: Uint8Array.of(0x50) }]),
      'FF FF FD 00 FE 10 00 93 01 20 00 02 00 A0 00 02 1F 00 01 00 50 B7 68',
    ],
    ['sync read status of ID 2 (2079)', P.status(2, 0, [0x1f, 0x08, 0, 0]), 'FF FF FD 00 02 08 00 55 00 1F 08 00 00 BA BE'],
    ['bulk read status of ID 1 (11.9 V)', P.status(1, 0, [0x77, 0]), 'FF FF FD 00 01 06 00 55 00 77 00 C3 69'],
    ['bulk read status of ID 2 (36 °C)', P.status(2, 0, [0x24]), 'FF FF FD 00 02 05 00 55 00 24 8B A9'],
  ];
  it.each(cases)('%s', (_name, built, manual) => {
    expect(hex(built)).toBe(manual);
    const decoded = decodeOne(fromHex(manual));
    expect(hex(P.encodePacket(decoded.id, decoded.code, decoded.params))).toBe(manual);
  });

  it('refuses a factory reset unless forced, and never resets every ID to 1', () => {
    expect(() => P.factoryReset(1, 'all')).toThrow(/refused/);
    expect(() => P.factoryReset(P.BROADCAST_ID, 'all', { force: true })).toThrow(/refused/);
  });
  it('refuses IDs that look like a header', () => {
    expect(() => P.ping(0xfd)).toThrow(/ID 253/);
    expect(() => P.ping(256)).toThrow(/out of range/);
  });
});

describe('byte stuffing', () => {
  it('stuffs FF FF FD inside the parameters and the decoder removes it', () => {
    const data = Uint8Array.of(0xff, 0xff, 0xfd, 0x01);
    const packet = P.write(1, 116, data);
    // address 74 00, data FF FF FD [FD] 01: LEN = 1 + 2 + 5 + 2 = 10.
    expect(hex(packet.subarray(0, 15))).toBe('FF FF FD 00 01 0A 00 03 74 00 FF FF FD FD 01');
    expect(P.crc16(packet.subarray(0, packet.length - 2))).toBe(packet[packet.length - 2]! | (packet[packet.length - 1]! << 8));
    const back = decodeOne(packet);
    expect([...back.params]).toEqual([0x74, 0x00, 0xff, 0xff, 0xfd, 0x01]);
  });
  it('stuff and unstuff are inverse on overlapping patterns', () => {
    const body = Uint8Array.of(0xff, 0xff, 0xfd, 0xff, 0xff, 0xfd, 0xfd, 0xff);
    expect([...P.unstuff(P.stuff(body))]).toEqual([...body]);
    expect(P.stuff(body).length).toBe(body.length + 2);
  });
});

describe('fast sync read', () => {
  it('splits one combined status into per-servo replies', () => {
    expect(hex(P.fastSyncRead(132, 4, [3, 7]))).toMatch(/^FF FF FD 00 FE 09 00 8A 84 00 04 00 03 07/);
    const params = [0x00, 3, 0xa6, 0, 0, 0, 0x11, 0x22, 0x00, 7, 0x1f, 0x08, 0, 0];
    const replies = P.parseFastSyncRead(decodeOne(P.status(P.BROADCAST_ID, params[0]!, params.slice(1))), 4);
    expect(replies.map((r) => [r.id, r.error, [...r.data]])).toEqual([
      [3, 0, [0xa6, 0, 0, 0]],
      [7, 0, [0x1f, 0x08, 0, 0]],
    ]);
  });
});

describe('status errors', () => {
  it('names the error number and the alert bit', () => {
    expect(decodeStatusError(0x00)).toEqual({ alert: false });
    expect(decodeStatusError(0x84)).toEqual({ alert: true, error: 'data range error' });
  });
  it('decodes Hardware_Error_Status into named faults', () => {
    expect(decodeHardwareError(3, 0b100101).map((f) => f.kind)).toEqual(['voltage', 'overheat', 'overload']);
    expect(decodeHardwareError(3, 0b11000)[0]!.message).toBe('ID 3: motor encoder error');
  });
});
