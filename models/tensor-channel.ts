/**
 * A shared-memory mailbox for one model's calls between two threads: the caller writes its input
 * tensors and waits (without blocking its event loop, `Atomics.waitAsync`), the model thread writes the
 * output tensors or an error back. A round trip costs ≈ 20 µs where a postMessage pair costs ≈ 60 (2-core
 * machine under load), which matters to planners that call a model once per horizon step.
 *
 * Layout: a header of Int32 slots, then the payload — a JSON index of the tensors (name, dtype, dims,
 * where their bytes are) followed by each tensor's bytes, 8-byte aligned.
 */

/** Header slots (Int32 indices). */
const STATE = 0;
const STATUS = 1;
const LENGTH = 2;
const NEEDED = 3;
const HEADER_BYTES = 16;

/** Who holds the mailbox. */
export const IDLE = 0;
export const REQUEST = 1;
export const RESPONSE = 2;

/** What a response holds. */
export const OK = 0;
export const FAILED = 1;
/** The outputs did not fit: NEEDED bytes are; the model thread keeps them until a bigger mailbox arrives. */
export const TOO_SMALL = 2;

export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | BigUint64Array;

/** A tensor as it crosses threads: what ort.Tensor holds, without the class. */
export interface PlainTensor {
  type: string;
  dims: readonly number[];
  data: TensorData;
}

type TensorArray = { new (buffer: ArrayBufferLike, offset: number, length: number): TensorData; readonly BYTES_PER_ELEMENT: number };
const ARRAYS: Record<string, TensorArray> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  uint32: Uint32Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

interface IndexEntry {
  name: string;
  type: string;
  dims: readonly number[];
  offset: number;
  count: number;
}

const align8 = (n: number) => (n + 7) & ~7;

/** Atomics.waitAsync (Node ≥ 16; in TypeScript's ES2024 library, newer than this project's target). */
const waitAsync = (Atomics as unknown as { waitAsync(array: Int32Array, index: number, value: number): { async: boolean; value: Promise<string> | string } }).waitAsync;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class TensorChannel {
  readonly header: Int32Array;
  private readonly bytes: Uint8Array;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.bytes = new Uint8Array(buffer, HEADER_BYTES);
  }

  static create(payloadBytes: number): TensorChannel {
    return new TensorChannel(new SharedArrayBuffer(HEADER_BYTES + align8(payloadBytes)));
  }

  get capacity(): number {
    return this.bytes.byteLength;
  }

  get state(): number {
    return Atomics.load(this.header, STATE);
  }

  get status(): number {
    return this.header[STATUS]!;
  }

  get needed(): number {
    return this.header[NEEDED]!;
  }

  /** Payload bytes `tensors` take (with `index`, their encoded index, when the caller has it). */
  static sizeOf(tensors: Record<string, PlainTensor>, index = encodeIndex(tensors)): number {
    let size = align8(4 + index.byteLength);
    for (const t of Object.values(tensors)) size += align8(t.data.byteLength);
    return size;
  }

  /** Writes `tensors`; false (and nothing written) when they do not fit. */
  write(tensors: Record<string, PlainTensor>): boolean {
    const index = encodeIndex(tensors);
    const size = TensorChannel.sizeOf(tensors, index);
    if (size > this.capacity) return false;
    new DataView(this.bytes.buffer, this.bytes.byteOffset).setUint32(0, index.byteLength, true);
    this.bytes.set(index, 4);
    let offset = align8(4 + index.byteLength);
    for (const t of Object.values(tensors)) {
      this.bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset);
      offset += align8(t.data.byteLength);
    }
    this.header[LENGTH] = size;
    return true;
  }

  /** Reads the tensors written last, as copies (the mailbox is reused by the next call). */
  read(): Record<string, PlainTensor> {
    const length = new DataView(this.bytes.buffer, this.bytes.byteOffset).getUint32(0, true);
    const index = JSON.parse(decoder.decode(this.bytes.slice(4, 4 + length))) as IndexEntry[];
    const dataStart = align8(4 + length);
    const out: Record<string, PlainTensor> = {};
    for (const e of index) {
      const View = ARRAYS[e.type];
      if (!View) throw new Error(`tensor '${e.name}' has dtype ${e.type}, which cannot cross threads`);
      const start = dataStart + e.offset;
      const copy = this.bytes.slice(start, start + e.count * View.BYTES_PER_ELEMENT);
      out[e.name] = { type: e.type, dims: e.dims, data: new View(copy.buffer, 0, e.count) };
    }
    return out;
  }

  writeError(message: string): void {
    const text = encoder.encode(message).subarray(0, this.capacity);
    this.bytes.set(text, 0);
    this.header[LENGTH] = text.byteLength;
  }

  readError(): string {
    return decoder.decode(this.bytes.slice(0, this.header[LENGTH]!));
  }

  /** Hands the mailbox over: `state` becomes REQUEST or RESPONSE and the other side wakes. */
  post(state: typeof REQUEST | typeof RESPONSE, status = OK, needed = 0): void {
    this.header[STATUS] = status;
    this.header[NEEDED] = needed;
    Atomics.store(this.header, STATE, state);
    Atomics.notify(this.header, STATE);
  }

  /** Resolves when the state changes (or `wake()` is called), without blocking this thread's event loop. */
  async changed(): Promise<void> {
    const wait = waitAsync(this.header, STATE, Atomics.load(this.header, STATE));
    if (wait.async) await wait.value;
  }

  /** Wakes a side waiting in `changed()` with nothing posted (it is closing). */
  wake(): void {
    Atomics.notify(this.header, STATE);
  }

  /** The caller took the response back. */
  release(): void {
    Atomics.store(this.header, STATE, IDLE);
  }
}

/** The JSON index of `tensors`: offsets count from the first tensor's bytes. */
function encodeIndex(tensors: Record<string, PlainTensor>): Uint8Array {
  let offset = 0;
  const entries: IndexEntry[] = Object.entries(tensors).map(([name, t]) => {
    const entry = { name, type: t.type, dims: [...t.dims], offset, count: t.data.length };
    offset += align8(t.data.byteLength);
    return entry;
  });
  return encoder.encode(JSON.stringify(entries));
}
