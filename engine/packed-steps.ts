/**
 * Control steps packed as raw numbers into one Float64Array, to cross to the recording's writing
 * thread in a single transfer: the session's thread only copies numbers, the writing thread builds and
 * encodes the messages. Per step: time, cost, the lengths of state, action and cost terms, then (−1
 * when no command was sent) the requested command's length, followed by the arrays; a command adds its
 * clamp count, the index of its `overridden` reason in the batch's strings (−1: none), the sent
 * command's length and both commands.
 */
import type { StepSample } from '../bridges/recording/session-recorder.ts';

const INITIAL_DOUBLES = 8 << 10;

export class StepPacker {
  private data = new Float64Array(INITIAL_DOUBLES);
  private used = 0;
  private strings: string[] = [];
  count = 0;

  /** Doubles a step would take (what the recording's queue bound counts, times 8). */
  static doubles(sample: StepSample): number {
    const { command } = sample;
    return 6 + sample.state.length + sample.action.length + sample.costTerms.length + (command ? 3 + command.requested.length + command.sent.action.length : 0);
  }

  add(sample: StepSample): void {
    const need = this.used + StepPacker.doubles(sample);
    if (need > this.data.length) {
      const grown = new Float64Array(Math.max(need, this.data.length * 2));
      grown.set(this.data.subarray(0, this.used));
      this.data = grown;
    }
    const { state, action, costTerms, command } = sample;
    const d = this.data;
    let o = this.used;
    d[o++] = sample.time;
    d[o++] = sample.cost;
    d[o++] = state.length;
    d[o++] = action.length;
    d[o++] = costTerms.length;
    d[o++] = command ? command.requested.length : -1;
    d.set(state, o);
    o += state.length;
    d.set(action, o);
    o += action.length;
    d.set(costTerms, o);
    o += costTerms.length;
    if (command) {
      const { requested, sent } = command;
      d[o++] = sent.clamped;
      d[o++] = sent.overridden === undefined ? -1 : this.strings.push(sent.overridden) - 1;
      d[o++] = sent.action.length;
      d.set(requested, o);
      o += requested.length;
      d.set(sent.action, o);
      o += sent.action.length;
    }
    this.used = o;
    this.count++;
  }

  /** The packed steps (their buffer to transfer) and the strings they refer to; starts a new batch. */
  take(): PackedSteps {
    const taken = { buffer: this.data.buffer as ArrayBuffer, used: this.used, strings: this.strings };
    this.data = new Float64Array(Math.max(INITIAL_DOUBLES, this.used));
    this.used = this.count = 0;
    this.strings = [];
    return taken;
  }
}

export interface PackedSteps {
  buffer: ArrayBuffer;
  /** Doubles of `buffer` the steps fill. */
  used: number;
  strings: string[];
}

/** The steps of a packed batch; their arrays are views into its buffer. */
export function* unpackSteps({ buffer, used, strings }: PackedSteps): Generator<StepSample> {
  const d = new Float64Array(buffer, 0, used);
  const take = (from: number, length: number) => d.subarray(from, from + length);
  for (let o = 0; o < used; ) {
    const time = d[o]!;
    const cost = d[o + 1]!;
    const nState = d[o + 2]!;
    const nAction = d[o + 3]!;
    const nTerms = d[o + 4]!;
    const nRequested = d[o + 5]!;
    o += 6;
    const state = take(o, nState);
    o += nState;
    const action = take(o, nAction);
    o += nAction;
    const costTerms = take(o, nTerms);
    o += nTerms;
    const sample: StepSample = { time, cost, state, action, costTerms };
    if (nRequested >= 0) {
      const clamped = d[o]!;
      const reason = d[o + 1]!;
      const nSent = d[o + 2]!;
      o += 3;
      const requested = take(o, nRequested);
      o += nRequested;
      const sent = take(o, nSent);
      o += nSent;
      sample.command = { requested, sent: { action: sent, clamped, ...(reason >= 0 ? { overridden: strings[reason]! } : {}) } };
    }
    yield sample;
  }
}
