/**
 * Reads an MCAP file back: through its index when it was closed cleanly, otherwise by streaming its
 * records from the start and stopping at the first incomplete or damaged one — a recording whose
 * process was killed is readable up to its last written chunk.
 */
import { open, readFile } from 'node:fs/promises';
import { McapIndexedReader, McapStreamReader } from '@mcap/core';
import type { McapTypes } from '@mcap/core';
import { parse } from '@foxglove/rosmsg';
import { MessageReader } from '@foxglove/rosmsg-serialization';

export interface RecordedMessage {
  topic: string;
  schemaName: string;
  logTime: bigint;
  publishTime: bigint;
  /** The decoded message for JSON and ROS 1 channels, the raw bytes otherwise. */
  data: unknown;
}

export interface Recording {
  path: string;
  /** True when the file has its summary and index (closed cleanly). */
  indexed: boolean;
  /** Bytes at the end that could not be read (a chunk cut off by a crash); 0 for a clean file. */
  unreadableBytes: number;
  /** Why reading stopped early, if it did. */
  recoveryNote?: string;
  profile: string;
  topics: { topic: string; schemaName: string; messageEncoding: string }[];
  messages: RecordedMessage[];
}

export async function readRecording(path: string): Promise<Recording> {
  const indexed = await readIndexed(path).catch(() => undefined);
  return indexed ?? (await recover(path));
}

async function readIndexed(path: string): Promise<Recording> {
  const handle = await open(path, 'r');
  try {
    const size = BigInt((await handle.stat()).size);
    const reader = await McapIndexedReader.Initialize({
      readable: {
        size: async () => size,
        read: async (offset, length) => {
          const buffer = new Uint8Array(Number(length));
          await handle.read(buffer, 0, buffer.length, Number(offset));
          return buffer;
        },
      },
    });
    const messages: RecordedMessage[] = [];
    for await (const m of reader.readMessages()) messages.push(decode(m, reader.channelsById, reader.schemasById));
    return {
      path,
      indexed: true,
      unreadableBytes: 0,
      profile: reader.header.profile,
      topics: topicsOf(reader.channelsById, reader.schemasById),
      messages,
    };
  } finally {
    await handle.close();
  }
}

async function recover(path: string): Promise<Recording> {
  const bytes = await readFile(path);
  const reader = new McapStreamReader({ validateCrcs: true });
  reader.append(bytes);
  const channels = new Map<number, McapTypes.Channel>();
  const schemas = new Map<number, McapTypes.Schema>();
  const messages: RecordedMessage[] = [];
  let profile = '';
  let recoveryNote: string | undefined;
  for (;;) {
    let record: McapTypes.TypedMcapRecord | undefined;
    try {
      record = reader.nextRecord();
    } catch (err) {
      recoveryNote = `stopped at a damaged record: ${(err as Error).message}`;
      break;
    }
    if (!record) break;
    if (record.type === 'Header') profile = record.profile;
    else if (record.type === 'Schema') schemas.set(record.id, record);
    else if (record.type === 'Channel') channels.set(record.id, record);
    else if (record.type === 'Message') messages.push(decode(record, channels, schemas));
  }
  if (messages.length === 0 && bytes.byteLength > 0 && profile === '' && !recoveryNote) {
    recoveryNote = 'no complete record after the header';
  }
  const unreadableBytes = reader.done() ? 0 : reader.bytesRemaining();
  if (!recoveryNote && unreadableBytes > 0) recoveryNote = `the last ${unreadableBytes} bytes are an incomplete record (the recording was cut off)`;
  return {
    path,
    indexed: false,
    unreadableBytes,
    ...(recoveryNote ? { recoveryNote } : {}),
    profile,
    topics: topicsOf(channels, schemas),
    messages,
  };
}

function decode(
  message: McapTypes.Message,
  channels: ReadonlyMap<number, McapTypes.Channel>,
  schemas: ReadonlyMap<number, McapTypes.Schema>,
): RecordedMessage {
  const channel = channels.get(message.channelId);
  if (!channel) throw new Error(`message on channel ${message.channelId}, which the file never declares`);
  const schema = schemas.get(channel.schemaId);
  const data =
    channel.messageEncoding === 'json'
      ? JSON.parse(new TextDecoder().decode(message.data))
      : channel.messageEncoding === 'ros1' && schema?.encoding === 'ros1msg'
        ? ros1Reader(schema).readMessage(message.data)
        : message.data;
  return {
    topic: channel.topic,
    schemaName: schema?.name ?? '',
    logTime: message.logTime,
    publishTime: message.publishTime,
    data,
  };
}

function topicsOf(channels: ReadonlyMap<number, McapTypes.Channel>, schemas: ReadonlyMap<number, McapTypes.Schema>): Recording['topics'] {
  return [...channels.values()].map((c) => ({ topic: c.topic, schemaName: schemas.get(c.schemaId)?.name ?? '', messageEncoding: c.messageEncoding }));
}

const ros1Readers = new WeakMap<McapTypes.Schema, MessageReader>();

/** A reader built from the schema's own definition text, so any ROS 1 type in any file decodes. */
function ros1Reader(schema: McapTypes.Schema): MessageReader {
  let reader = ros1Readers.get(schema);
  if (!reader) ros1Readers.set(schema, (reader = new MessageReader(parse(new TextDecoder().decode(schema.data)))));
  return reader;
}
