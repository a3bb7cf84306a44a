/**
 * A rollout request and its results in shared memory: what the rollout pool and its threads exchange
 * instead of messages. The pool writes the request and rings the threads it wants (each waits on its own
 * doorbell word); they, and the pool's own thread when its caller waits anyway, roll samples out and
 * write each sample's cost (and trace) at the sample's own index; whoever finishes the last sample wakes
 * the pool. No request or result is copied through a message.
 *
 * Who rolls out which sample depends on the worlds (SimWorld.historyFree):
 * - claimed: when a rollout depends on its start state alone, threads claim samples one at a time from a
 *   shared counter, so a late thread (still waking up, descheduled, collecting garbage) takes fewer
 *   samples instead of holding the plan up; results are the same for any number of threads.
 * - fixed shares: when a rollout also depends on what its world simulated before (Rapier), participant i
 *   of n rolls out samples ⌊i·s/n⌋ … ⌊(i+1)·s/n⌋ − 1 in order, so every world's history, and with it
 *   every plan, repeats run to run (for a given number of threads).
 *
 * Layout: a header of Int32 words (the request's fields, then one doorbell per thread), then Float64
 * values (horizon, state, knots, weights, command, costs), then Float32 traces, then an error message's
 * UTF-8 bytes.
 */
import type { Interpolation } from './action-spline.ts';
import type { RolloutRequest } from './rollout.ts';

/** Header words. */
const NEXT = 0; // the request's tag (its number's low 15 bits) << 16 | the next sample to claim
const DONE = 1; // samples finished
const SAMPLES = 2;
const STEPS = 3;
const KNOTS = 4;
const ACTION_DIM = 5;
const INTERPOLATION = 6;
const TRACE = 7;
const STATE_SIZE = 8;
const WEIGHT_COUNT = 9;
const COMMAND_SIZE = 10; // −1: the request carries no command
const PHYSICS_STEPS = 11;
const ERROR_BYTES = 12; // > 0: a rollout failed; its message's length
const SHARES = 13; // 0: samples are claimed one at a time; n > 0: n participants roll out fixed shares
const DOORBELLS = 16; // thread i waits on word DOORBELLS + i for the number of a request meant for it
/** Threads a job can ring (the planners' `threads` setting goes to 16). */
export const MAX_JOB_THREADS = 16;
const HEADER_WORDS = DOORBELLS + MAX_JOB_THREADS;

/** A doorbell's value once the job is closed. */
const CLOSED = -1;
/** Samples a request may have: a sample index is 16 bits of the NEXT word. */
export const MAX_JOB_SAMPLES = 0xffff;
const ERROR_CAPACITY = 2048;
const INTERPOLATIONS: readonly Interpolation[] = ['zero', 'linear', 'cubic'];

/** Who rolls out a posted request's samples. */
export interface Crew {
  /** Rollout threads rung: 0 … threads − 1. */
  threads: number;
  /** The pool's own thread rolls out too (participant `threads`, after the rollout threads). */
  callerHelps: boolean;
  /** Each participant rolls out a fixed share of the samples instead of claiming them one at a time. */
  fixedShares: boolean;
}

/** What rolls samples out on a thread (rollout.ts's RolloutRunner). */
export interface SampleRunner {
  /** Sample `k`'s cost; its trace written into `traces` from `traceOffset` when given. */
  rollout(request: RolloutRequest, k: number, traces: Float32Array | undefined, traceOffset: number): number;
  /** Physics steps one sample simulates. */
  physicsSteps(request: RolloutRequest): number;
}

/** Where each array of a request lives in the job's buffer. */
interface Layout {
  state: number;
  knots: number;
  weights: number;
  command: number;
  costs: number;
  /** Float64 values in all (after the header). */
  float64: number;
  /** Byte offset and count of the Float32 traces. */
  traces: number;
  traceCount: number;
  error: number;
  bytes: number;
}

function layoutOf(stateSize: number, knotValues: number, weights: number, command: number, samples: number, steps: number): Layout {
  const state = 1;
  const knots = state + stateSize;
  const weightsAt = knots + knotValues;
  const commandAt = weightsAt + weights;
  const costs = commandAt + command;
  const float64 = costs + samples;
  const traces = HEADER_WORDS * 4 + float64 * 8;
  const traceCount = samples * steps * 3;
  const error = traces + traceCount * 4;
  return { state, knots, weights: weightsAt, command: commandAt, costs, float64, traces, traceCount, error, bytes: error + ERROR_CAPACITY };
}

function requestLayout(r: RolloutRequest): Layout {
  return layoutOf(r.state.length, r.knots.length, r.weights.length, r.command?.length ?? 0, r.sampleCount, r.steps);
}

/** The layout of the request the header describes. */
function postedLayout(h: Int32Array): Layout {
  const samples = h[SAMPLES]!;
  return layoutOf(h[STATE_SIZE]!, h[KNOTS]! * h[ACTION_DIM]! * samples, h[WEIGHT_COUNT]!, Math.max(0, h[COMMAND_SIZE]!), samples, h[STEPS]!);
}

/** A request's tag in the claim counter: its number's low 15 bits (a thread is never 32768 requests late). */
function tagOf(seq: number): number {
  return seq & 0x7fff;
}

/** The pool's side: writes requests, helps with them, waits for and reads their results. */
export class RolloutJob {
  readonly buffer: SharedArrayBuffer;
  private readonly header: Int32Array;
  private readonly float64: Float64Array;
  private seq = 0;
  /** The pool's own thread's place among the participants of the posted request. */
  private callerIndex = 0;

  /** A job with room for requests like `request` (twice its size), or 64 KiB: a default plan on the built-in tasks. */
  constructor(request?: RolloutRequest) {
    this.buffer = new SharedArrayBuffer(request ? 2 * requestLayout(request).bytes : 1 << 16);
    this.header = new Int32Array(this.buffer, 0, HEADER_WORDS);
    this.float64 = new Float64Array(this.buffer, HEADER_WORDS * 4);
  }

  /** Whether `request` fits in this job's buffer. */
  fits(request: RolloutRequest): boolean {
    return requestLayout(request).bytes <= this.buffer.byteLength;
  }

  /** Writes the request and rings the crew's threads. */
  post(request: RolloutRequest, crew: Crew): void {
    if (request.sampleCount > MAX_JOB_SAMPLES) throw new Error(`a rollout request has ${request.sampleCount} samples; at most ${MAX_JOB_SAMPLES} are supported`);
    const h = this.header;
    const at = requestLayout(request);
    this.seq++;
    // First retag the claim counter: a thread still holding the last request's tag can no longer claim,
    // so nothing reads the fields while they are rewritten below.
    Atomics.store(h, NEXT, tagOf(this.seq) << 16);
    h[SAMPLES] = request.sampleCount;
    h[STEPS] = request.steps;
    h[KNOTS] = request.shape.knots;
    h[ACTION_DIM] = request.shape.actionDim;
    h[INTERPOLATION] = INTERPOLATIONS.indexOf(request.shape.interpolation);
    h[TRACE] = request.trace ? 1 : 0;
    h[STATE_SIZE] = request.state.length;
    h[WEIGHT_COUNT] = request.weights.length;
    h[COMMAND_SIZE] = request.command ? request.command.length : -1;
    h[PHYSICS_STEPS] = 0;
    h[ERROR_BYTES] = 0;
    h[SHARES] = crew.fixedShares ? crew.threads + (crew.callerHelps ? 1 : 0) : 0;
    this.callerIndex = crew.threads;
    const f = this.float64;
    f[0] = request.shape.horizon;
    f.set(request.state, at.state);
    f.set(request.knots, at.knots);
    f.set(request.weights, at.weights);
    if (request.command) f.set(request.command, at.command);
    Atomics.store(h, DONE, 0);
    // Each doorbell's store publishes everything written above to the thread that sees the new number.
    for (let i = 0; i < crew.threads; i++) {
      Atomics.store(h, DOORBELLS + i, this.seq);
      Atomics.notify(h, DOORBELLS + i);
    }
  }

  /** Rolls out this thread's part of the posted request (posted with `callerHelps`). */
  help(runner: SampleRunner): void {
    takeSamples(this.buffer, this.header, runner, tagOf(this.seq), this.callerIndex);
  }

  /** Settles when every sample of the posted request is done (or a rollout failed). */
  async finished(): Promise<void> {
    const h = this.header;
    const samples = h[SAMPLES]!;
    for (;;) {
      const done = Atomics.load(h, DONE);
      if (done >= samples) return;
      const wait = Atomics.waitAsync(h, DONE, done);
      if (wait.async) await wait.value;
    }
  }

  /** The posted request's costs and traces (copies); throws the error a rollout failed with. */
  result(): { costs: Float64Array; traces?: Float32Array; physicsSteps: number } {
    const h = this.header;
    const at = postedLayout(h);
    const errorBytes = h[ERROR_BYTES]!;
    if (errorBytes > 0) throw new Error(new TextDecoder().decode(new Uint8Array(this.buffer, at.error, errorBytes).slice()));
    const costs = this.float64.slice(at.costs, at.costs + h[SAMPLES]!);
    const traces = h[TRACE] ? new Float32Array(this.buffer, at.traces, at.traceCount).slice() : undefined;
    return { costs, ...(traces ? { traces } : {}), physicsSteps: h[PHYSICS_STEPS]! };
  }
}

/** Ends every thread's wait for requests on the job in `buffer` (its world let go of, or the buffer replaced). */
export function closeJob(buffer: SharedArrayBuffer): void {
  const h = new Int32Array(buffer, 0, HEADER_WORDS);
  for (let i = 0; i < MAX_JOB_THREADS; i++) {
    Atomics.store(h, DOORBELLS + i, CLOSED);
    Atomics.notify(h, DOORBELLS + i);
  }
}

/** A rollout thread's side of a job: waits at its doorbell and takes part in the requests rung there. */
export class RolloutJobServer {
  private readonly header: Int32Array;
  private readonly doorbell: number;
  private seen = 0;

  constructor(
    readonly buffer: SharedArrayBuffer,
    private readonly runner: SampleRunner,
    /** This thread's index in the pool. */
    private readonly index: number,
  ) {
    this.header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.doorbell = DOORBELLS + index;
  }

  /** Serves requests as they are rung until the job is closed. */
  async serve(): Promise<void> {
    for (;;) {
      const wait = Atomics.waitAsync(this.header, this.doorbell, this.seen);
      if (wait.async) await wait.value;
      if (!this.servePending()) return;
    }
  }

  /** Takes part in a request rung and not yet served here; false once the job is closed. */
  servePending(): boolean {
    const seq = Atomics.load(this.header, this.doorbell);
    if (seq === CLOSED) return false;
    if (seq !== this.seen) {
      this.seen = seq;
      takeSamples(this.buffer, this.header, this.runner, tagOf(seq), this.index);
    }
    return true;
  }
}

/** Whether the request tagged `tag` is still the posted one and not ended (all claimed, or failed). */
function open(h: Int32Array, tag: number, samples: number): boolean {
  const word = Atomics.load(h, NEXT);
  return word >>> 16 === tag && (word & 0xffff) < samples;
}

/** The next sample of the request tagged `tag` to claim, or −1 when it has none left (or a newer request replaced it). */
function claim(h: Int32Array, tag: number, samples: number): number {
  for (;;) {
    const word = Atomics.load(h, NEXT);
    const k = word & 0xffff;
    if (word >>> 16 !== tag || k >= samples) return -1;
    if (Atomics.compareExchange(h, NEXT, word, word + 1) === word) return k;
  }
}

/** The samples participant `index` rolls out, one at a time: claimed, or its fixed share. */
function sampleSource(h: Int32Array, tag: number, samples: number, index: number): () => number {
  const shares = Atomics.load(h, SHARES);
  if (shares === 0) return () => claim(h, tag, samples);
  let k = Math.floor((index * samples) / shares);
  const end = index < shares ? Math.floor(((index + 1) * samples) / shares) : k;
  // A failed rollout ends the request for everyone (fail() marks every sample claimed).
  return () => (k < end && open(h, tag, samples) ? k++ : -1);
}

/** Rolls out participant `index`'s samples of the request tagged `tag`. */
function takeSamples(buffer: SharedArrayBuffer, h: Int32Array, runner: SampleRunner, tag: number, index: number): void {
  const samples = h[SAMPLES]!;
  // A thread rung late may find a newer request being posted: it reads no more of its fields then.
  if (!open(h, tag, samples)) return;
  const next = sampleSource(h, tag, samples, index);
  let k = next();
  // Holding a sample, the request is this one until it is done: its fields are read only now.
  if (k < 0) return;
  const at = postedLayout(h);
  try {
    const f = new Float64Array(buffer, HEADER_WORDS * 4, at.float64);
    const commandSize = h[COMMAND_SIZE]!;
    const request: RolloutRequest = {
      state: f.subarray(at.state, at.knots),
      knots: f.subarray(at.knots, at.weights),
      shape: { knots: h[KNOTS]!, actionDim: h[ACTION_DIM]!, horizon: f[0]!, interpolation: INTERPOLATIONS[h[INTERPOLATION]!]! },
      sampleCount: samples,
      steps: h[STEPS]!,
      weights: f.subarray(at.weights, at.command),
      trace: h[TRACE] === 1,
      ...(commandSize >= 0 ? { command: f.subarray(at.command, at.costs) } : {}),
    };
    const traces = request.trace ? new Float32Array(buffer, at.traces, at.traceCount) : undefined;
    let finished = 0;
    for (; k >= 0; k = next()) {
      f[at.costs + k] = runner.rollout(request, k, traces, k * request.steps * 3);
      finished++;
    }
    Atomics.add(h, PHYSICS_STEPS, finished * runner.physicsSteps(request));
    // Whoever finishes the last sample wakes the pool (the add publishes this thread's costs).
    if (Atomics.add(h, DONE, finished) + finished === samples) Atomics.notify(h, DONE);
  } catch (err) {
    fail(buffer, h, at, tag, (err as Error).message, samples);
  }
}

/** Reports a rollout's error and ends the request: no sample is left to claim and the pool is woken. */
function fail(buffer: SharedArrayBuffer, h: Int32Array, at: Layout, tag: number, message: string, samples: number): void {
  const bytes = new TextEncoder().encode(message || 'rollout failed').subarray(0, ERROR_CAPACITY);
  new Uint8Array(buffer, at.error, ERROR_CAPACITY).set(bytes);
  Atomics.store(h, ERROR_BYTES, bytes.length);
  Atomics.store(h, NEXT, (tag << 16) | samples);
  Atomics.store(h, DONE, samples);
  Atomics.notify(h, DONE);
}
