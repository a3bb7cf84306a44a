/** What `actuate replay FILE --json` prints: duration, topics, message counts and gaps of a recording. */
import type { Recording } from './read-recording.ts';

export interface TopicSummary {
  topic: string;
  schema: string;
  messages: number;
  /** Mean messages per second of recording time. */
  rateHz: number;
  /** Longest time between two consecutive messages (s). */
  maxGapSeconds: number;
}

export interface Gap {
  topic: string;
  /** Seconds from the recording's start. */
  from: number;
  seconds: number;
}

export interface RecordingSummary {
  file: string;
  indexed: boolean;
  unreadableBytes: number;
  recoveryNote?: string;
  profile: string;
  durationSeconds: number;
  startTime: string | null;
  messages: number;
  topics: TopicSummary[];
  /** Intervals longer than 3× a topic's median interval (and ≥ 50 ms): dropped or stalled data. */
  gaps: Gap[];
  /** The last settings recorded (task, controller, parameters), if any. */
  settings?: unknown;
}

const MAX_GAPS = 50;

export function summarizeRecording(recording: Recording): RecordingSummary {
  const times = recording.messages.map((m) => m.logTime);
  const start = times.length ? times.reduce((a, b) => (b < a ? b : a)) : 0n;
  const end = times.length ? times.reduce((a, b) => (b > a ? b : a)) : 0n;
  const duration = Number(end - start) / 1e9;
  const byTopic = new Map<string, bigint[]>();
  for (const m of recording.messages) {
    let list = byTopic.get(m.topic);
    if (!list) byTopic.set(m.topic, (list = []));
    list.push(m.logTime);
  }
  const gaps: Gap[] = [];
  const topics = recording.topics.map(({ topic, schemaName }) => {
    const stamps = (byTopic.get(topic) ?? []).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const intervals = stamps.slice(1).map((t, i) => Number(t - stamps[i]!) / 1e9);
    const median = [...intervals].sort((a, b) => a - b)[Math.floor(intervals.length / 2)] ?? 0;
    const threshold = Math.max(3 * median, 0.05);
    intervals.forEach((dt, i) => {
      if (median > 0 && dt > threshold) gaps.push({ topic, from: round(Number(stamps[i]! - start) / 1e9), seconds: round(dt) });
    });
    return {
      topic,
      schema: schemaName,
      messages: stamps.length,
      rateHz: stamps.length > 1 ? round((stamps.length - 1) / (Number(stamps.at(-1)! - stamps[0]!) / 1e9)) : 0,
      maxGapSeconds: round(intervals.reduce((a, b) => Math.max(a, b), 0)),
    };
  });
  const settings = recording.messages.filter((m) => m.topic === '/actuate/settings').at(-1)?.data;
  return {
    file: recording.path,
    indexed: recording.indexed,
    unreadableBytes: recording.unreadableBytes,
    ...(recording.recoveryNote ? { recoveryNote: recording.recoveryNote } : {}),
    profile: recording.profile,
    durationSeconds: round(duration),
    startTime: times.length ? new Date(Number(start / 1_000_000n)).toISOString() : null,
    messages: recording.messages.length,
    topics,
    gaps: gaps.sort((a, b) => b.seconds - a.seconds).slice(0, MAX_GAPS),
    ...(settings !== undefined ? { settings } : {}),
  };
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
