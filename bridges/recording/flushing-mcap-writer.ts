/**
 * An MCAP writer that closes its chunk on a clock, not only on size, and writes it to the file at
 * once, so a crash or SIGKILL loses at most `flushSeconds` of messages and what is on disk is a valid
 * (if unindexed) MCAP stream. On a clean `close()` it writes the summary (schemas, channels,
 * statistics, chunk indexes, summary offsets) and the footer, as `@mcap/core`'s McapWriter does.
 *
 * Why not McapWriter: it closes a chunk only when the chunk passes `chunkSize` bytes and has no public
 * way to close one earlier; a recording at a low data rate would keep minutes in memory. The records
 * themselves are serialized by `@mcap/core`'s McapRecordBuilder and McapChunkBuilder.
 */
import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import { McapChunkBuilder, McapRecordBuilder, Opcode } from '@mcap/core';
import type { McapTypes } from '@mcap/core';

export interface FlushingMcapWriterOptions {
  /** Longest time (s, wall clock) a message waits in memory before its chunk is written. */
  flushSeconds?: number;
  /** A chunk is also closed when it grows past this many bytes. */
  chunkBytes?: number;
  /** Recorded in the MCAP header. */
  profile?: string;
  library?: string;
}

/** What a session recorder writes to: this writer, or a live server (bridges/foxglove/foxglove-live-sink.ts). */
export interface McapSink {
  readonly path: string;
  registerSchema(schema: Omit<McapTypes.Schema, 'id'>): number;
  registerChannel(channel: Omit<McapTypes.Channel, 'id'>): number;
  /** `always`: never dropped, however full the queue (the recording's own last words). */
  addMessage(message: McapTypes.Message, options?: { always?: boolean }): void;
  /** True when what is held should go on its way (written, or handed to the writing thread). */
  chunkIsDue(): boolean;
  flush(): void;
  /** Writes the rest and the index; resolves when the file is complete. */
  close(): void | Promise<void>;
  /** Messages not recorded because the writer could not keep up, per channel id. */
  readonly dropped?: ReadonlyMap<number, number>;
  /** False when nobody would read a message of this channel now (a live sink): it is not even encoded. */
  wants?(channelId: number): boolean;
}

export class FlushingMcapWriter implements McapSink {
  private readonly fd: number;
  private readonly records = new McapRecordBuilder();
  private readonly chunk = new McapChunkBuilder({ useMessageIndex: true });
  private readonly schemas = new Map<number, McapTypes.Schema>();
  private readonly channels = new Map<number, McapTypes.Channel>();
  private readonly inChunk = { schemas: new Set<number>(), channels: new Set<number>() };
  private readonly chunkIndexes: McapTypes.ChunkIndex[] = [];
  private readonly channelCounts = new Map<number, bigint>();
  private readonly flushMs: number;
  private readonly chunkBytes: number;
  private position = 0n;
  private dataCrc = 0;
  private messageCount = 0n;
  private startTime = 0n;
  private endTime = 0n;
  private chunkOpenedAt = 0;
  private closed = false;

  constructor(
    readonly path: string,
    options: FlushingMcapWriterOptions = {},
  ) {
    this.flushMs = (options.flushSeconds ?? 0.5) * 1000;
    this.chunkBytes = options.chunkBytes ?? 1 << 20;
    this.fd = openSync(path, 'w');
    this.records.writeMagic();
    this.records.writeHeader({ profile: options.profile ?? '', library: options.library ?? 'actuate' });
    this.writeRecords(true);
  }

  registerSchema(schema: Omit<McapTypes.Schema, 'id'>): number {
    const id = this.schemas.size + 1;
    this.schemas.set(id, { ...schema, id });
    return id;
  }

  registerChannel(channel: Omit<McapTypes.Channel, 'id'>): number {
    const id = this.channels.size;
    this.channels.set(id, { ...channel, id });
    return id;
  }

  addMessage(message: McapTypes.Message): void {
    if (this.closed) throw new Error(`${this.path}: the recording is closed`);
    const channel = this.channels.get(message.channelId);
    if (!channel) throw new Error(`${this.path}: no channel ${message.channelId} registered`);
    // Each chunk carries the schemas and channels its messages use, so a chunk read on its own
    // (recovering a file that was never closed) decodes.
    if (channel.schemaId !== 0 && !this.inChunk.schemas.has(channel.schemaId)) {
      this.chunk.addSchema(this.schemas.get(channel.schemaId)!);
      this.inChunk.schemas.add(channel.schemaId);
    }
    if (!this.inChunk.channels.has(channel.id)) {
      this.chunk.addChannel(channel);
      this.inChunk.channels.add(channel.id);
    }
    if (this.chunk.numMessages === 0) this.chunkOpenedAt = performance.now();
    this.chunk.addMessage(message);
    if (this.messageCount === 0n || message.logTime < this.startTime) this.startTime = message.logTime;
    if (this.messageCount === 0n || message.logTime > this.endTime) this.endTime = message.logTime;
    this.messageCount++;
    this.channelCounts.set(channel.id, (this.channelCounts.get(channel.id) ?? 0n) + 1n);
    if (this.chunk.byteLength >= this.chunkBytes || this.chunkIsDue()) this.flush();
  }

  /** True when the open chunk has waited `flushSeconds`; a caller's timer flushes an idle recording. */
  chunkIsDue(): boolean {
    return this.chunk.numMessages > 0 && performance.now() - this.chunkOpenedAt >= this.flushMs;
  }

  /** Closes the open chunk and writes it with its message indexes. */
  flush(): void {
    if (this.closed || this.chunk.numMessages === 0) return;
    const data = this.chunk.buffer;
    const chunkStartOffset = this.position;
    const chunkLength = this.records.writeChunk({
      messageStartTime: this.chunk.messageStartTime,
      messageEndTime: this.chunk.messageEndTime,
      uncompressedSize: BigInt(data.byteLength),
      uncompressedCrc: crc32(data),
      compression: '',
      records: data,
    });
    const messageIndexOffsets = new Map<number, bigint>();
    let messageIndexLength = 0n;
    for (const index of this.chunk.indices) {
      messageIndexOffsets.set(index.channelId, chunkStartOffset + chunkLength + messageIndexLength);
      messageIndexLength += this.records.writeMessageIndex(index);
    }
    this.chunkIndexes.push({
      messageStartTime: this.chunk.messageStartTime,
      messageEndTime: this.chunk.messageEndTime,
      chunkStartOffset,
      chunkLength,
      messageIndexOffsets,
      messageIndexLength,
      compression: '',
      compressedSize: BigInt(data.byteLength),
      uncompressedSize: BigInt(data.byteLength),
    });
    this.chunk.reset();
    this.inChunk.schemas.clear();
    this.inChunk.channels.clear();
    this.writeRecords(true);
  }

  /** Writes the last chunk, the summary and the footer: the file is then indexed. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.records.writeDataEnd({ dataSectionCrc: this.dataCrc });
    this.writeRecords(false);

    const summaryStart = this.position;
    const offsets: McapTypes.SummaryOffset[] = [];
    const group = (groupOpcode: Opcode, write: () => void) => {
      const groupStart = this.position + BigInt(this.records.length);
      const before = this.records.length;
      write();
      offsets.push({ groupOpcode, groupStart, groupLength: BigInt(this.records.length - before) });
    };
    group(Opcode.SCHEMA, () => this.schemas.forEach((s) => this.records.writeSchema(s)));
    group(Opcode.CHANNEL, () => this.channels.forEach((c) => this.records.writeChannel(c)));
    group(Opcode.STATISTICS, () =>
      this.records.writeStatistics({
        messageCount: this.messageCount,
        schemaCount: this.schemas.size,
        channelCount: this.channels.size,
        attachmentCount: 0,
        metadataCount: 0,
        chunkCount: this.chunkIndexes.length,
        messageStartTime: this.startTime,
        messageEndTime: this.endTime,
        channelMessageCounts: this.channelCounts,
      }),
    );
    group(Opcode.CHUNK_INDEX, () => this.chunkIndexes.forEach((c) => this.records.writeChunkIndex(c)));
    const summaryOffsetStart = this.position + BigInt(this.records.length);
    for (const offset of offsets) this.records.writeSummaryOffset(offset);
    // The footer's CRC covers the summary and the first fields of the footer itself.
    const summaryBytes = this.records.buffer.slice();
    const footerStart = new DataView(new ArrayBuffer(1 + 8 + 8 + 8));
    footerStart.setUint8(0, Opcode.FOOTER);
    footerStart.setBigUint64(1, 8n + 8n + 4n, true);
    footerStart.setBigUint64(9, summaryStart, true);
    footerStart.setBigUint64(17, summaryOffsetStart, true);
    const summaryCrc = crc32(new Uint8Array(footerStart.buffer), crc32(summaryBytes));
    this.records.writeFooter({ summaryStart, summaryOffsetStart, summaryCrc });
    this.records.writeMagic();
    this.writeRecords(false);
    try {
      fsyncSync(this.fd);
    } catch (err) {
      // A pipe or a socket (recording to a FIFO, /dev/stdout) has nothing to sync.
      if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
    }
    closeSync(this.fd);
  }

  /** Writes what the record builder holds; data-section bytes also feed the data CRC. */
  private writeRecords(dataSection: boolean): void {
    const bytes = this.records.buffer;
    if (dataSection) this.dataCrc = crc32(bytes, this.dataCrc);
    let written = 0;
    while (written < bytes.byteLength) written += writeSync(this.fd, bytes, written);
    this.position += BigInt(bytes.byteLength);
    this.records.reset();
  }
}
