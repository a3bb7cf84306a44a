import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, hex } from '../packet.ts';
import { decodeRegister, encodeRegister } from '../registers.ts';
import { decodeStatus } from './faults.ts';
import * as S from './scs-protocol.ts';
import { STS_SERIES } from './tables.ts';

function vectors(prefix: string): Map<string, Uint8Array> {
  const text = readFileSync(new URL('../../../assets/reference/protocol_vectors.md', import.meta.url), 'utf8');
  const rows = new Map<string, Uint8Array>();
  for (const m of text.matchAll(/^\| (\S+) \| [^|]* \| `([0-9A-F ]+)` \|/gm)) if (m[1]!.startsWith(prefix)) rows.set(m[1]!, fromHex(m[2]!));
  return rows;
}
const V = vectors('FT-');
const v = (id: string) => V.get(id) ?? Uint8Array.of();
const decodeOne = (bytes: Uint8Array) => {
  const packets = new S.ScsDecoder().push(bytes);
  expect(packets).toHaveLength(1);
  return packets[0]!;
};

describe('Feetech SCS/STS — protocol_vectors.md', () => {
  it('holds the six manual rows', () => expect([...V.keys()]).toEqual(['FT-01', 'FT-02', 'FT-03', 'FT-04', 'FT-05', 'FT-06']));
  it('ping and its reply', () => {
    expect(hex(S.ping(1))).toBe(hex(v('FT-01')));
    expect(decodeOne(v('FT-02'))).toMatchObject({ id: 1, code: 0 });
    expect(hex(S.reply(1, 0))).toBe(hex(v('FT-02')));
  });
  it('read Present_Position: 1304, little-endian', () => {
    expect(hex(S.read(1, STS_SERIES.Present_Position.address, 2))).toBe(hex(v('FT-03')));
    const reply = decodeOne(v('FT-04'));
    expect(decodeRegister(STS_SERIES.Present_Position, reply.params, 0, 'little')).toBe(1304);
  });
  it('broadcast write of the ID', () => expect(hex(S.write(S.BROADCAST_ID, STS_SERIES.ID.address, [1]))).toBe(hex(v('FT-05'))));
  it('write position, time and speed in one packet', () => {
    const data = [
      ...encodeRegister('Goal_Position', STS_SERIES.Goal_Position, 2048, 'little'),
      ...encodeRegister('Goal_Time', STS_SERIES.Goal_Time, 0, 'little'),
      ...encodeRegister('Goal_Velocity', STS_SERIES.Goal_Velocity, 1000, 'little'),
    ];
    expect(hex(S.write(1, STS_SERIES.Goal_Position.address, data))).toBe(hex(v('FT-06')));
  });
});

describe('Feetech instructions', () => {
  it('every instruction round-trips through the decoder with a valid checksum', () => {
    const packets = [
      S.regWrite(1, 42, [0, 8]),
      S.action(S.BROADCAST_ID),
      S.restart(1),
      S.factoryReset(1, { force: true }),
      S.syncRead(56, 8, [1, 2, 3, 4, 5, 6]),
      S.syncWrite(42, 2, new Map([[1, Uint8Array.of(0, 8)], [2, Uint8Array.of(0xff, 0x07)]])),
    ];
    const decoded = new S.ScsDecoder().push(Uint8Array.from(packets.flatMap((p) => [...p])));
    expect(decoded.map((p) => p.code)).toEqual([0x04, 0x05, 0x08, 0x06, 0x82, 0x83]);
    expect(hex(packets[4]!)).toBe('FF FF FE 0A 82 38 08 01 02 03 04 05 06 ' + hex(Uint8Array.of(packets[4]!.at(-1)!)));
    expect([...decoded[5]!.params]).toEqual([42, 2, 1, 0, 8, 2, 0xff, 0x07]);
  });
  it('refuses a factory reset unless forced', () => expect(() => S.factoryReset(1)).toThrow(/refused/));
  it('names the faults in a status byte', () => expect(decodeStatus(2, 0b100100).map((f) => f.kind)).toEqual(['overheat', 'overload']));
  it('a corrupted checksum is counted and the next packet still decodes', () => {
    const bad = S.ping(1);
    bad[bad.length - 1]! ^= 0x01;
    const d = new S.ScsDecoder();
    expect(d.push(Uint8Array.from([...bad, ...S.reply(1, 0)]))).toHaveLength(1);
    expect(d.stats.checksumErrors).toBe(1);
  });
});
