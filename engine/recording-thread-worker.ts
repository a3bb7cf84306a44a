/**
 * The recording's writing thread: takes batches of encoded messages from the session's thread and
 * writes them with a FlushingMcapWriter (chunks closed every flushSeconds, so a crash loses at most
 * that), acknowledging each batch once written so the sender knows how much is still queued.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { McapTypes } from '@mcap/core';
import { FlushingMcapWriter, type FlushingMcapWriterOptions } from '../bridges/recording/flushing-mcap-writer.ts';
import { unpackMessages } from './packed-messages.ts';

export type ToWriter =
  | { type: 'schema'; schema: Omit<McapTypes.Schema, 'id'> }
  | { type: 'channel'; channel: Omit<McapTypes.Channel, 'id'> }
  /** Messages packed by RecordingThread.pack: `used` bytes of `buffer`; `bytes` is what the sender counts as queued. */
  | { type: 'packed'; buffer: ArrayBuffer; used: number; bytes: number }
  | { type: 'close' };

export type FromWriter = { type: 'written'; bytes: number } | { type: 'closed' } | { type: 'failed'; message: string };

const { path, options } = workerData as { path: string; options: FlushingMcapWriterOptions };
const port = parentPort!;
let writer: FlushingMcapWriter | undefined;
try {
  writer = new FlushingMcapWriter(path, options);
} catch (err) {
  port.postMessage({ type: 'failed', message: (err as Error).message } satisfies FromWriter);
}
const timer = setInterval(() => {
  if (writer?.chunkIsDue()) writer.flush();
}, 50);

port.on('message', (m: ToWriter) => {
  if (!writer) return;
  try {
    if (m.type === 'schema') writer.registerSchema(m.schema);
    else if (m.type === 'channel') writer.registerChannel(m.channel);
    else if (m.type === 'packed') {
      for (const message of unpackMessages(m.buffer, m.used)) writer.addMessage(message);
      port.postMessage({ type: 'written', bytes: m.bytes } satisfies FromWriter);
    } else {
      clearInterval(timer);
      writer.close();
      port.postMessage({ type: 'closed' } satisfies FromWriter);
    }
  } catch (err) {
    writer = undefined;
    clearInterval(timer);
    port.postMessage({ type: 'failed', message: (err as Error).message } satisfies FromWriter);
  }
});
