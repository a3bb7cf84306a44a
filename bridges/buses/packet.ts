/**
 * What the vendor codecs share: a decoded packet, a stream decoder that reassembles packets from
 * arbitrary chunks and resynchronises after garbage, and the counters that say what it threw away.
 */

/** One packet off the wire: for an instruction `code` is the instruction; for a status reply it is the error byte. */
export interface DecodedPacket {
  id: number;
  code: number;
  params: Uint8Array;
}

export interface DecoderStats {
  /** Packets that passed their checksum. */
  packets: number;
  /** Frames whose checksum failed (dropped, search resumed one byte later). */
  checksumErrors: number;
  /** Frames with an impossible length field (dropped the same way). */
  lengthErrors: number;
  /** Bytes skipped while looking for a header. */
  discardedBytes: number;
}

export interface PacketDecoder {
  /** Feeds bytes as they arrive; returns the complete, valid packets they finish. Never throws. */
  push(chunk: Uint8Array): DecodedPacket[];
  /** Bytes held waiting for the rest of a packet. */
  readonly pending: number;
  readonly stats: DecoderStats;
  /** Drops any partial packet (after a timeout, so a stale half-packet cannot swallow the next reply). */
  reset(): void;
}

export const emptyStats = (): DecoderStats => ({ packets: 0, checksumErrors: 0, lengthErrors: 0, discardedBytes: 0 });

/**
 * The part every vendor's stream decoder shares: the byte queue, its counters, reset. A vendor decoder
 * implements `extract`, which takes complete packets off the front of the queue into `out`.
 */
export abstract class StreamDecoder implements PacketDecoder {
  protected readonly queue = new ByteQueue();
  readonly stats: DecoderStats = emptyStats();

  get pending(): number {
    return this.queue.length;
  }

  reset(): void {
    this.stats.discardedBytes += this.queue.length;
    this.queue.clear();
  }

  push(chunk: Uint8Array): DecodedPacket[] {
    this.queue.append(chunk);
    const out: DecodedPacket[] = [];
    this.extract(this.queue, out);
    return out;
  }

  protected abstract extract(q: ByteQueue, out: DecodedPacket[]): void;
}

/** Growable byte buffer the decoders consume from the front. */
export class ByteQueue {
  private buf = new Uint8Array(256);
  private start = 0;
  private end = 0;

  get length(): number {
    return this.end - this.start;
  }

  append(chunk: Uint8Array): void {
    if (this.end + chunk.length > this.buf.length) {
      const live = this.buf.subarray(this.start, this.end);
      const next = this.buf.length >= (live.length + chunk.length) * 2 ? this.buf : new Uint8Array((live.length + chunk.length) * 2);
      next.set(live, 0);
      this.buf = next;
      this.end = live.length;
      this.start = 0;
    }
    this.buf.set(chunk, this.end);
    this.end += chunk.length;
  }

  at(i: number): number {
    return this.buf[this.start + i]!;
  }

  view(from: number, to: number): Uint8Array {
    return this.buf.subarray(this.start + from, this.start + to);
  }

  drop(n: number): void {
    this.start = Math.min(this.end, this.start + n);
    if (this.start === this.end) this.start = this.end = 0;
  }

  clear(): void {
    this.start = this.end = 0;
  }
}

/** "FF FF FD 00 …" for error messages and logs. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

/** Parses "FF FF 01 …" (as written in the manuals and protocol_vectors.md) into bytes. */
export function fromHex(text: string): Uint8Array {
  const parts = text.trim().split(/\s+/);
  return Uint8Array.from(parts, (p) => {
    const v = Number.parseInt(p, 16);
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) throw new Error(`not a hex byte: '${p}'`);
    return v;
  });
}
