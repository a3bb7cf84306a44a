/**
 * A recording written on a thread of its own, behind a bounded queue: the session's thread encodes
 * each message and hands it over in small batches; the writing thread (recording-thread-worker.ts)
 * chunks and writes. A slow or stalled disk therefore never stalls the simulation: once more than
 * `maxQueuedBytes` wait to be written, new messages are dropped and counted per channel (reported by
 * the recording and saved in the file's last message), never silently lost.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { McapTypes } from '@mcap/core';
import type { FlushingMcapWriterOptions, McapSink } from '../bridges/recording/flushing-mcap-writer.ts';
import { WORKER_BOOTSTRAP } from '../control/worker-bootstrap.ts';
import { MessagePacker } from './packed-messages.ts';
import type { FromWriter, ToWriter } from './recording-thread-worker.ts';

const ENTRY = new URL('./recording-thread-worker.ts', import.meta.url).href;

export interface RecordingThreadOptions extends FlushingMcapWriterOptions {
  /** Bytes handed over but not yet written beyond which new messages are dropped (default 32 MiB). */
  maxQueuedBytes?: number;
  /** Longest a message waits on this thread before its batch is handed over (ms). */
  batchMs?: number;
  /** The first drop, and a failure of the writing thread, as sentences for the user. */
  onStatus?: (message: string) => void;
}

/** Per-message overhead counted on top of its data (times, ids). */
const MESSAGE_OVERHEAD = 32;
const BATCH_MESSAGES = 256;

export class RecordingThread implements McapSink {
  private readonly worker: Worker;
  private readonly maxQueued: number;
  private readonly batchMs: number;
  private readonly say: (message: string) => void;
  private schemas = 0;
  private channels = 0;
  /** The open batch, packed: one transfer per batch, no per-message copy between threads. */
  private readonly batch = new MessagePacker();
  private batchBytes = 0;
  private batchOpenedAt = 0;
  private queued = 0;
  private closed = false;
  private failure: string | undefined;
  private whenClosed: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;
  readonly dropped = new Map<number, number>();

  constructor(
    readonly path: string,
    options: RecordingThreadOptions = {},
  ) {
    const { maxQueuedBytes, batchMs, onStatus, ...writer } = options;
    // The file is opened on the writing thread; a folder that cannot take it is said here, at once.
    const folder = dirname(path);
    try {
      if (!statSync(folder).isDirectory()) throw new Error('not a folder');
      accessSync(folder, constants.W_OK);
    } catch (err) {
      throw new Error(`${path}: cannot record there (${folder}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
    this.maxQueued = maxQueuedBytes ?? 32 << 20;
    this.batchMs = batchMs ?? 50;
    this.say = onStatus ?? (() => {});
    this.worker = new Worker(WORKER_BOOTSTRAP, { workerData: { entry: ENTRY, path, options: writer } });
    // The writing thread alone never keeps the process alive; close() holds it until the file is complete.
    this.worker.unref();
    this.worker.on('message', (m: FromWriter) => {
      if (m.type === 'written') this.queued -= m.bytes;
      else if (m.type === 'closed') this.onClosed?.();
      else this.fail(m.message);
    });
    this.worker.on('error', (err) => this.fail(err.message));
  }

  /** Bytes handed to the writing thread and not yet written, plus the open batch. */
  get queuedBytes(): number {
    return this.queued;
  }

  registerSchema(schema: Omit<McapTypes.Schema, 'id'>): number {
    this.post({ type: 'schema', schema });
    return ++this.schemas;
  }

  registerChannel(channel: Omit<McapTypes.Channel, 'id'>): number {
    this.post({ type: 'channel', channel });
    return this.channels++;
  }

  addMessage(message: McapTypes.Message, options: { always?: boolean } = {}): void {
    if (this.closed) throw new Error(`${this.path}: the recording is closed`);
    const bytes = message.data.byteLength + MESSAGE_OVERHEAD;
    if (this.failure !== undefined || (this.queued + bytes > this.maxQueued && !options.always)) {
      const before = this.dropped.get(message.channelId) ?? 0;
      this.dropped.set(message.channelId, before + 1);
      if (this.failure === undefined && [...this.dropped.values()].reduce((a, b) => a + b, 0) === 1) {
        this.say(`${this.path}: the disk is not keeping up (${(this.queued / (1 << 20)).toFixed(1)} MiB waiting); messages are dropped and counted until it catches up`);
      }
      return;
    }
    if (this.batch.count === 0) this.batchOpenedAt = performance.now();
    this.batch.add(message);
    this.batchBytes += bytes;
    this.queued += bytes;
    if (this.batch.count >= BATCH_MESSAGES || this.chunkIsDue()) this.flush();
  }

  chunkIsDue(): boolean {
    return this.batch.count > 0 && performance.now() - this.batchOpenedAt >= this.batchMs;
  }

  /** Hands the open batch to the writing thread (its buffer is transferred, not copied). */
  flush(): void {
    if (this.batch.count === 0) return;
    const { buffer, used } = this.batch.take();
    if (this.failure === undefined) this.worker.postMessage({ type: 'packed', buffer, used, bytes: this.batchBytes } satisfies ToWriter, [buffer]);
    this.batchBytes = 0;
  }

  /**
   * Hands over the rest and has the writing thread write the index; resolves when the file is complete
   * (or rejects with why it could not be). Safe to call twice.
   */
  close(): Promise<void> {
    if (this.whenClosed) return this.whenClosed;
    this.flush();
    this.closed = true;
    this.whenClosed = new Promise<void>((resolve, reject) => {
      if (this.failure !== undefined) return reject(new Error(this.failure));
      this.onClosed = () => resolve();
      this.onFailed = (message) => reject(new Error(message));
      this.worker.ref();
      this.post({ type: 'close' });
    }).finally(() => void this.worker.terminate());
    return this.whenClosed;
  }

  private onFailed: ((message: string) => void) | undefined;

  private fail(message: string): void {
    if (this.failure !== undefined) return;
    this.failure = `${this.path}: recording failed: ${message}`;
    this.say(this.failure);
    this.onFailed?.(this.failure);
  }

  private post(message: ToWriter): void {
    if (this.failure === undefined) this.worker.postMessage(message);
  }
}
