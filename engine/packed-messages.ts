/**
 * MCAP messages packed into one ArrayBuffer to cross to the recording's writing thread in a single
 * transfer (no per-message structured clone): per message a channel id (u16), log and publish time
 * (u64 each), the data's length (u32), then the data.
 */
import type { McapTypes } from '@mcap/core';

const HEADER = 22;

export class MessagePacker {
  private buffer = new ArrayBuffer(64 << 10);
  private view = new DataView(this.buffer);
  private used = 0;
  count = 0;

  add(message: McapTypes.Message): void {
    const need = this.used + HEADER + message.data.byteLength;
    if (need > this.buffer.byteLength) {
      const grown = new ArrayBuffer(Math.max(need, this.buffer.byteLength * 2));
      new Uint8Array(grown).set(new Uint8Array(this.buffer, 0, this.used));
      this.buffer = grown;
      this.view = new DataView(grown);
    }
    const o = this.used;
    this.view.setUint16(o, message.channelId, true);
    this.view.setBigUint64(o + 2, message.logTime, true);
    this.view.setBigUint64(o + 10, message.publishTime, true);
    this.view.setUint32(o + 18, message.data.byteLength, true);
    new Uint8Array(this.buffer, o + HEADER, message.data.byteLength).set(message.data);
    this.used = need;
    this.count++;
  }

  /** The packed messages (to transfer) and how many bytes of the buffer they fill; starts a new buffer. */
  take(): { buffer: ArrayBuffer; used: number } {
    const taken = { buffer: this.buffer, used: this.used };
    this.buffer = new ArrayBuffer(Math.max(64 << 10, this.used));
    this.view = new DataView(this.buffer);
    this.used = this.count = 0;
    return taken;
  }
}

/** The messages in `used` bytes of a packed buffer; their data are views into it. */
export function* unpackMessages(buffer: ArrayBuffer, used: number): Generator<McapTypes.Message> {
  const view = new DataView(buffer);
  for (let o = 0; o < used; ) {
    const length = view.getUint32(o + 18, true);
    yield { channelId: view.getUint16(o, true), sequence: 0, logTime: view.getBigUint64(o + 2, true), publishTime: view.getBigUint64(o + 10, true), data: new Uint8Array(buffer, o + HEADER, length) };
    o += HEADER + length;
  }
}
