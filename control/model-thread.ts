/**
 * Controllers' models run on a thread of their own (model-thread-worker.ts), not on the engine's:
 * ONNX Runtime builds a session synchronously on the thread that asks (a 16.8 MB model stopped the event
 * loop 55 ms on a quiet machine, up to 1.1 s on a busy one), and a call blocks its thread for as long
 * as the model computes. On the model thread, a load or a long call leaves the engine stepping and streaming frames to every client.
 *
 * `loadModelOffThread` returns a `ModelSession` like `loadModel`'s: the same validation, statistics and
 * errors; each call crosses through a shared-memory mailbox (≈ 20 µs on an idle core, but a wake-up of
 * another thread each way: on a machine with more busy threads than cores, milliseconds). So
 * `loadControllerModel` keeps small models — loaded in milliseconds, each call microseconds, called up
 * to thousands of times a second by a planner — on the calling thread, and sends big ones away. A load has a time limit: one
 * still running after it fails with a message saying so, and the model is dropped when it lands (ONNX
 * Runtime cannot be interrupted mid-load: terminating the thread then aborts the whole process).
 */
import { stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { WORKER_BOOTSTRAP } from './worker-bootstrap.ts';
import type { TensorSignature } from '../models/io-validation.ts';
import type { ThreadReply, ThreadRequest } from './model-thread-worker.ts';
import { MeasuredSession, ModelLoadError, loadModel, ort, type Feeds, type ModelSession, type Outputs, type ProviderChoice, type RuntimeOptions } from '../models/runtime.ts';
import { FAILED, REQUEST, TOO_SMALL, TensorChannel, type PlainTensor } from '../models/tensor-channel.ts';

const ENTRY = new URL('./model-thread-worker.ts', import.meta.url).href;

export interface OffThreadModelOptions extends RuntimeOptions {
  /** A load still running after this long is stopped (default 60 s). */
  loadTimeoutMs?: number;
}

/** Mailbox size a model starts with; it grows to fit the largest call. */
const FIRST_CHANNEL_BYTES = 64 * 1024;

class ModelThread {
  readonly worker: Worker;
  private nextId = 1;
  private readonly loads = new Map<number, { resolve: (reply: ThreadReply) => void; reject: (err: Error) => void }>();
  readonly sessions = new Set<RemoteSession>();
  /** In-flight loads and calls: the thread keeps the process alive only while there are some. */
  private busy = 0;
  stopped: string | undefined;

  constructor(private readonly onStop: (thread: ModelThread) => void) {
    this.worker = new Worker(WORKER_BOOTSTRAP, { workerData: { entry: ENTRY }, stdout: false, stderr: false });
    this.worker.unref();
    this.worker.on('message', (reply: ThreadReply) => {
      const load = this.loads.get(reply.id);
      this.loads.delete(reply.id);
      load?.resolve(reply);
    });
    this.worker.on('error', (err) => this.stop(`the model thread failed: ${err.message}`));
    this.worker.on('exit', (code) => this.stop(`the model thread exited (code ${code})`));
  }

  id(): number {
    return this.nextId++;
  }

  send(message: ThreadRequest): void {
    this.worker.postMessage(message);
  }

  /** Holds the process open while the thread owes an answer. */
  hold<T>(work: Promise<T>): Promise<T> {
    if (this.busy++ === 0) this.worker.ref();
    return work.finally(() => {
      if (--this.busy === 0) this.worker.unref();
    });
  }

  load(message: Extract<ThreadRequest, { type: 'load' }>): Promise<ThreadReply> {
    return this.hold(
      new Promise<ThreadReply>((resolve, reject) => {
        this.loads.set(message.id, { resolve, reject });
        this.send(message);
      }),
    );
  }

  /** Gives up on a load: the thread disposes of the model when it lands. */
  abandon(id: number, why: Error): void {
    this.loads.get(id)?.reject(why);
    this.loads.delete(id);
    this.send({ type: 'dispose', id });
  }

  stop(reason: string): void {
    if (this.stopped) return;
    this.stopped = reason;
    this.onStop(this);
    for (const load of this.loads.values()) load.reject(new ModelLoadError(reason));
    this.loads.clear();
    for (const session of this.sessions) session.threadStopped();
    void this.worker.terminate();
  }
}

let current: ModelThread | undefined;

function modelThread(): ModelThread {
  if (!current || current.stopped) {
    current = new ModelThread((t) => {
      if (current === t) current = undefined;
    });
  }
  return current;
}

/**
 * Models up to this size load and run on the calling thread: a 1 MB model's session and warm-up take
 * milliseconds there (a 16.8 MB one stalled it 55 ms quiet, up to 1.1 s busy).
 */
export const IN_THREAD_MODEL_BYTES = 1 << 20;

/**
 * A controller's network runs between physics steps on a machine whose cores the physics needs: one ONNX
 * Runtime thread, not spinning, unless the controller asks for more. ORT's default (a thread per core,
 * spinning while idle) cost 16 CPU-s where this costs 9.7 for the same Go2-W policy runs
 * (tests/integration/go2w-policy.test.ts), and a small MLP runs no faster on two threads.
 */
const CONTROLLER_RUNTIME: OffThreadModelOptions = { intraOpThreads: 1, allowSpinning: false };

/** How controllers load a model: on the calling thread when small, on the model thread when big. */
export async function loadControllerModel(source: string | Uint8Array, options: OffThreadModelOptions = {}): Promise<ModelSession> {
  const chosen = { ...CONTROLLER_RUNTIME, ...options };
  const size = typeof source === 'string' ? await stat(source).then((s) => s.size, () => 0) : source.byteLength;
  if (size > IN_THREAD_MODEL_BYTES) return loadModelOffThread(source, chosen);
  const { loadTimeoutMs: _, ...runtime } = chosen;
  return loadModel(source, runtime);
}

/** Loads a model on the model thread: as `loadModel`, without stopping this thread while it loads or runs. */
export async function loadModelOffThread(source: string | Uint8Array, options: OffThreadModelOptions = {}): Promise<ModelSession> {
  const { loadTimeoutMs = 60_000, ...runtime } = options;
  const label = runtime.label ?? (typeof source === 'string' ? source.split(/[/\\]/).pop()! : 'model (in memory)');
  const thread = modelThread();
  const id = thread.id();
  const channel = TensorChannel.create(FIRST_CHANNEL_BYTES);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const why = new ModelLoadError(`loading ${label} took longer than ${loadTimeoutMs / 1000} s`);
      thread.abandon(id, why);
      reject(why);
    }, loadTimeoutMs);
  });
  let reply: ThreadReply;
  try {
    reply = await Promise.race([thread.load({ type: 'load', id, source: shared(source), options: { ...runtime, label }, channel: channel.buffer }), late]);
  } finally {
    clearTimeout(timer);
  }
  if (reply.type === 'failed') throw reply.name === 'ModelLoadError' ? new ModelLoadError(reply.message) : new Error(reply.message);
  const session = new RemoteSession(thread, id, channel, label, reply.provider, runtime, reply);
  thread.sessions.add(session);
  return session;
}

/**
 * Bytes in shared memory: posting a plain 17 MB buffer stalled this thread 80–240 ms (structured clone
 * on a busy machine), copying it into shared memory takes a few.
 */
function shared(source: string | Uint8Array): string | Uint8Array {
  if (typeof source === 'string') return source;
  const copy = new Uint8Array(new SharedArrayBuffer(source.byteLength));
  copy.set(source);
  return copy;
}

/** A model whose session lives on the model thread; calls cross through its mailbox. */
class RemoteSession extends MeasuredSession {
  readonly inputs: TensorSignature[];
  readonly outputs: TensorSignature[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  private stopped: string | undefined;

  constructor(
    private readonly thread: ModelThread,
    private readonly id: number,
    private channel: TensorChannel,
    label: string,
    provider: ProviderChoice,
    options: RuntimeOptions,
    signature: { inputs: TensorSignature[]; outputs: TensorSignature[]; inputNames: string[]; outputNames: string[] },
  ) {
    super(label, provider, options);
    this.inputs = signature.inputs;
    this.outputs = signature.outputs;
    this.inputNames = signature.inputNames;
    this.outputNames = signature.outputNames;
  }

  protected call(feeds: Feeds): Promise<Outputs> {
    return this.thread.hold(this.exchange(feeds));
  }

  override summary(): Record<string, string | number> {
    return { ...super.summary(), thread: 'model thread' };
  }

  private async exchange(feeds: Feeds): Promise<Outputs> {
    const plain: Record<string, PlainTensor> = {};
    for (const [name, t] of Object.entries(feeds)) plain[name] = { type: t.type, dims: t.dims, data: t.data as PlainTensor['data'] };
    if (!this.channel.write(plain)) {
      this.swapChannel(TensorChannel.sizeOf(plain));
      this.channel.write(plain);
    }
    this.channel.post(REQUEST);
    for (;;) {
      while (this.channel.state === REQUEST && !this.stopped) await this.channel.changed();
      if (this.stopped) throw new Error(`${this.label}: ${this.stopped}`);
      if (this.channel.status !== TOO_SMALL) break;
      // The outputs wait on the model thread until a mailbox that fits them arrives.
      this.swapChannel(this.channel.needed, true);
    }
    const channel = this.channel;
    try {
      if (channel.status === FAILED) throw new Error(channel.readError());
      const out: Outputs = {};
      for (const [name, t] of Object.entries(channel.read())) out[name] = new ort.Tensor(t.type as ort.Tensor.Type, t.data, t.dims);
      return out;
    } finally {
      channel.release();
    }
  }

  /** Replaces the mailbox with one of at least `bytes` (twice that, so it rarely grows again). */
  private swapChannel(bytes: number, awaitingOutputs = false): void {
    this.channel = TensorChannel.create(2 * bytes);
    // While the model thread still owes outputs, the new mailbox starts as a request it will answer.
    if (awaitingOutputs) this.channel.post(REQUEST);
    this.thread.send({ type: 'channel', id: this.id, channel: this.channel.buffer });
  }

  /** The thread is gone: calls waiting and calls to come fail with the reason. */
  threadStopped(): void {
    this.stopped = this.thread.stopped;
    this.channel.wake();
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.thread.sessions.delete(this);
    if (!this.stopped) this.thread.send({ type: 'dispose', id: this.id });
  }
}
