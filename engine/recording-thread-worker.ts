/**
 * The recording's writing thread: takes the session's calls (settings, scene, batches of raw control
 * steps, plans, timing) in order, builds and encodes the messages with a SessionRecorder and writes them
 * with a FlushingMcapWriter (chunks closed every flushSeconds, so a crash loses at most that),
 * acknowledging each call once written so the sender knows how much is still queued.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { PlanEvent, Timing } from '../protocol/api.ts';
import type { SceneDescription } from '../protocol/scene.ts';
import type { FlushingMcapWriterOptions } from '../bridges/recording/flushing-mcap-writer.ts';
import { SessionRecorder, type RecordedSettings } from '../bridges/recording/session-recorder.ts';
import { unpackSteps, type PackedSteps } from './packed-steps.ts';

export interface WriterData {
  entry: string;
  path: string;
  options: FlushingMcapWriterOptions & { startedAtMs: number };
}

/** `bytes`: what the sender counts as queued for this call, acknowledged once it is written. */
export type ToWriter =
  | { type: 'settings'; time: number; settings: RecordedSettings; costTermNames: string[] }
  | { type: 'scene'; time: number; scene: SceneDescription }
  | { type: 'steps'; steps: PackedSteps; bytes: number }
  | { type: 'plan'; plan: PlanEvent; bytes: number }
  | { type: 'timing'; time: number; timing: Timing; bytes: number }
  /** `dropped`: what the session's thread could not hand over, per topic, saved in the file. */
  | { type: 'close'; dropped: Record<string, number> };

export type FromWriter = { type: 'written'; bytes: number } | { type: 'closed' } | { type: 'failed'; message: string };

const { path, options } = workerData as WriterData;
const port = parentPort!;
let recorder: SessionRecorder | undefined;
try {
  recorder = new SessionRecorder(path, options);
} catch (err) {
  port.postMessage({ type: 'failed', message: (err as Error).message } satisfies FromWriter);
}
const timer = setInterval(() => recorder?.flushIfDue(), 50);

function handle(recorder: SessionRecorder, m: ToWriter): void {
  switch (m.type) {
    case 'settings':
      return recorder.settings(m.time, m.settings, m.costTermNames);
    case 'scene':
      return recorder.setScene(m.time, m.scene);
    case 'steps':
      for (const sample of unpackSteps(m.steps)) recorder.step(sample);
      break;
    case 'plan':
      recorder.plan(m.plan);
      break;
    case 'timing':
      recorder.timing(m.time, m.timing);
      break;
    case 'close':
      clearInterval(timer);
      recorder.countDropped(m.dropped);
      void recorder.close();
      port.postMessage({ type: 'closed' } satisfies FromWriter);
      return;
  }
  port.postMessage({ type: 'written', bytes: m.bytes } satisfies FromWriter);
}

port.on('message', (m: ToWriter) => {
  if (!recorder) return;
  try {
    handle(recorder, m);
  } catch (err) {
    recorder = undefined;
    clearInterval(timer);
    port.postMessage({ type: 'failed', message: (err as Error).message } satisfies FromWriter);
  }
});
