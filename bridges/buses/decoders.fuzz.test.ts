/** Random, truncated and corrupted bytes thrown at both stream decoders: no throw, no hang, every error counted, valid packets still found. */
import { describe, expect, it } from 'vitest';
import * as D from './dynamixel/protocol2.ts';
import * as S from './feetech/scs-protocol.ts';
import type { PacketDecoder } from './packet.ts';

/** Small deterministic PRNG (mulberry32) so a failure can be replayed from its seed. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const codecs: Array<{ name: string; decoder: () => PacketDecoder; packet: (r: () => number) => Uint8Array }> = [
  {
    name: 'Dynamixel 2.0',
    decoder: () => new D.Protocol2Decoder(),
    // Data full of FF and FD so byte stuffing is exercised.
    packet: (r) => D.status(1 + Math.floor(r() * 20), 0, Array.from({ length: Math.floor(r() * 12) }, () => [0xff, 0xfd, 0x00, Math.floor(r() * 256)][Math.floor(r() * 4)]!)),
  },
  {
    name: 'Feetech SCS',
    decoder: () => new S.ScsDecoder(),
    packet: (r) => S.reply(1 + Math.floor(r() * 20), 0, Array.from({ length: Math.floor(r() * 12) }, () => [0xff, 0x00, Math.floor(r() * 256)][Math.floor(r() * 3)]!)),
  },
];

describe.each(codecs)('$name stream decoder under fuzz', ({ decoder, packet }) => {
  it('random bytes in random chunks: never throws, terminates, counts what it drops', () => {
    const r = rng(1);
    const d = decoder();
    let fed = 0;
    for (let i = 0; i < 2000; i++) {
      const chunk = Uint8Array.from({ length: Math.floor(r() * 64) }, () => Math.floor(r() * 256));
      fed += chunk.length;
      expect(() => d.push(chunk)).not.toThrow();
    }
    const s = d.stats;
    // Every byte fed is accounted for: dropped, part of an accepted packet, or still pending.
    expect(s.discardedBytes + s.checksumErrors + s.lengthErrors).toBeGreaterThan(fed / 2);
    expect(d.pending).toBeLessThan(1100);
  });

  it('valid packets between garbage, split at random points, with some truncated or corrupted: every intact one is found', () => {
    const r = rng(2);
    const d = decoder();
    const stream: number[] = [];
    const intact: string[] = [];
    let corrupted = 0;
    for (let i = 0; i < 500; i++) {
      for (let g = Math.floor(r() * 6); g > 0; g--) stream.push(Math.floor(r() * 256));
      const p = packet(r);
      const fate = r();
      if (fate < 0.1) {
        stream.push(...p.subarray(0, Math.floor(r() * p.length))); // truncated
      } else if (fate < 0.2) {
        const bad = p.slice();
        bad[bad.length - 1]! ^= 0x5a;
        stream.push(...bad);
        corrupted++;
      } else {
        stream.push(...p);
        intact.push(Array.from(p).join(','));
      }
    }
    const bytes = Uint8Array.from(stream);
    const found: number[] = [];
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + Math.floor(r() * 40);
      found.push(...d.push(bytes.subarray(at, at + n)).map((p) => p.id));
      at += n;
    }
    // Garbage or a truncated packet can swallow the start of the packet after it only by forming a
    // frame with a valid checksum, which random bytes rarely do: nearly all intact packets survive.
    expect(found.length).toBeGreaterThanOrEqual(intact.length * 0.95);
    expect(d.stats.checksumErrors + d.stats.lengthErrors).toBeGreaterThanOrEqual(corrupted * 0.9);
  });

  it('a truncated packet is held, not decoded, and reset() drops it', () => {
    const r = rng(3);
    const d = decoder();
    const p = packet(r);
    expect(d.push(p.subarray(0, p.length - 1))).toEqual([]);
    expect(d.pending).toBe(p.length - 1);
    d.reset();
    expect(d.pending).toBe(0);
    expect(d.push(p)).toHaveLength(1);
  });
});
