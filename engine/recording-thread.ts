/**
 * A recording made on a thread of its own. The session's thread only copies each control step's raw
 * numbers into a batch (packed-steps.ts) and hands the batch over every 50 ms in one transfer; the
 * writing thread (recording-thread-worker.ts) builds the ROS 1 and JSON messages, encodes them and
 * writes the MCAP file. Settings, scene, plans and timing cross as they come, in order with the steps.
 *
 * A slow or stalled disk never stalls the simulation: once more than `maxQueuedBytes` of handed-over
 * data wait to be written, new steps and plans are dropped and counted per topic (reported by the
 * recording and saved in the file's last message), never silently lost.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PlanEvent, Timing } from '../protocol/api.ts';
import type { SceneDescription } from '../protocol/scene.ts';
import type { FlushingMcapWriterOptions } from '../bridges/recording/flushing-mcap-writer.ts';
import { RECORDING_TOPICS } from '../bridges/recording/recording-topics.ts';
import { stepTopics, type RecordedSettings, type Recorder, type StepSample } from '../bridges/recording/session-recorder.ts';
import { WORKER_BOOTSTRAP } from '../control/worker-bootstrap.ts';
import { StepPacker } from './packed-steps.ts';
import type { FromWriter, ToWriter, WriterData } from './recording-thread-worker.ts';

const ENTRY = new URL('./recording-thread-worker.ts', import.meta.url).href;

export interface RecordingThreadOptions extends FlushingMcapWriterOptions {
  /** Bytes handed over but not yet written beyond which new messages are dropped (default 32 MiB). */
  maxQueuedBytes?: number;
  /** Longest a step waits on the session's thread before its batch is handed over (ms). */
  batchMs?: number;
  /** The first drop, and a failure of the writing thread, as sentences for the user. */
  onStatus?: (message: string) => void;
  /** The recording's start on the wall clock (ms since the epoch; default now). */
  startedAtMs?: number;
}

const BATCH_STEPS = 256;
/** What a plan or a timing message counts against the queue beyond its arrays. */
const MESSAGE_OVERHEAD = 64;

export class RecordingThread implements Recorder {
  private readonly worker: Worker;
  private readonly maxQueued: number;
  private readonly batchMs: number;
  private readonly say: (message: string) => void;
  private readonly batch = new StepPacker();
  private batchBytes = 0;
  private batchOpenedAt = 0;
  private queued = 0;
  private readonly droppedCounts = new Map<string, number>();
  private closed = false;
  private failure: string | undefined;
  private whenClosed: Promise<void> | undefined;
  private onClosed: (() => void) | undefined;
  private onFailed: ((message: string) => void) | undefined;

  constructor(
    readonly path: string,
    options: RecordingThreadOptions = {},
  ) {
    const { maxQueuedBytes, batchMs, onStatus, startedAtMs, ...writer } = options;
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
    const workerData: WriterData = { entry: ENTRY, path, options: { ...writer, startedAtMs: startedAtMs ?? Date.now() } };
    this.worker = new Worker(WORKER_BOOTSTRAP, { workerData });
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

  settings(time: number, settings: RecordedSettings, costTermNames: string[]): void {
    this.post({ type: 'settings', time, settings, costTermNames });
  }

  setScene(time: number, scene: SceneDescription): void {
    // Recordings leave meshes out; not cloning them keeps a task switch cheap.
    const { meshes: _meshes, ...described } = scene;
    this.post({ type: 'scene', time, scene: described });
  }

  step(sample: StepSample): void {
    this.openCheck();
    const bytes = StepPacker.doubles(sample) * 8;
    if (!this.admit(bytes)) return this.drop(stepTopics(sample));
    if (this.batch.count === 0) this.batchOpenedAt = performance.now();
    this.batch.add(sample);
    this.batchBytes += bytes;
    this.queued += bytes;
    if (this.batch.count >= BATCH_STEPS || this.batchIsDue()) this.flush();
  }

  plan(plan: PlanEvent): void {
    const bytes = plan.samples.byteLength + plan.best.byteLength + MESSAGE_OVERHEAD;
    if (!this.admit(bytes)) return this.drop([RECORDING_TOPICS.plan.topic]);
    this.queued += bytes;
    this.post({ type: 'plan', plan, bytes });
  }

  timing(time: number, timing: Timing): void {
    if (!this.admit(MESSAGE_OVERHEAD)) return this.drop([RECORDING_TOPICS.timing.topic]);
    this.queued += MESSAGE_OVERHEAD;
    this.post({ type: 'timing', time, timing, bytes: MESSAGE_OVERHEAD });
  }

  flushIfDue(): void {
    if (this.batchIsDue()) this.flush();
  }

  dropped(): Record<string, number> {
    return Object.fromEntries(this.droppedCounts);
  }

  /**
   * Hands over the rest and has the writing thread write the drop counts and the index; resolves when
   * the file is complete (or rejects with why it could not be). Safe to call twice.
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
      this.worker.postMessage({ type: 'close', dropped: this.dropped() } satisfies ToWriter);
    }).finally(() => void this.worker.terminate());
    return this.whenClosed;
  }

  private batchIsDue(): boolean {
    return this.batch.count > 0 && performance.now() - this.batchOpenedAt >= this.batchMs;
  }

  /** Hands the open batch to the writing thread (its buffer is transferred, not copied). */
  private flush(): void {
    if (this.batch.count === 0) return;
    const steps = this.batch.take();
    if (this.failure === undefined) this.worker.postMessage({ type: 'steps', steps, bytes: this.batchBytes } satisfies ToWriter, [steps.buffer]);
    this.batchBytes = 0;
  }

  private admit(bytes: number): boolean {
    return this.failure === undefined && this.queued + bytes <= this.maxQueued;
  }

  private drop(topics: readonly string[]): void {
    const first = this.droppedCounts.size === 0;
    for (const topic of topics) this.droppedCounts.set(topic, (this.droppedCounts.get(topic) ?? 0) + 1);
    if (first && this.failure === undefined) {
      this.say(`${this.path}: the disk is not keeping up (${(this.queued / (1 << 20)).toFixed(1)} MiB waiting); messages are dropped and counted until it catches up`);
    }
  }

  private openCheck(): void {
    if (this.closed) throw new Error(`${this.path}: the recording is closed`);
  }

  /** Sends a call to the writing thread after the steps batched before it, so the file keeps their order. */
  private post(message: Exclude<ToWriter, { type: 'steps' | 'close' }>): void {
    this.openCheck();
    this.flush();
    if (this.failure === undefined) this.worker.postMessage(message);
  }

  private fail(message: string): void {
    if (this.failure !== undefined) return;
    this.failure = `${this.path}: recording failed: ${message}`;
    this.say(this.failure);
    this.onFailed?.(this.failure);
  }
}
