/**
 * Wires a session to an MCAP recording: settings and scene at the start and after every edit, every
 * control step, plans and timing as the session streams them. The session's thread only copies each
 * step's numbers; messages are built, encoded and written on a thread of their own behind a bounded
 * queue (recording-thread.ts): a slow disk drops messages — counted, reported and saved in the file —
 * instead of stalling the session. A timer hands over what waits while the session is idle, so it
 * reaches the disk within the flush interval. A live sink (the Foxglove server) is fed on the
 * session's thread instead, encoding only what a client subscribed to.
 */
import type { SessionSnapshot } from '../protocol/api.ts';
import type { McapSink } from '../bridges/recording/flushing-mcap-writer.ts';
import { SessionRecorder, type Recorder } from '../bridges/recording/session-recorder.ts';
import { RecordingThread, type RecordingThreadOptions } from './recording-thread.ts';
import type { Session } from './session.ts';

export interface SessionRecording {
  readonly path: string;
  /** Messages dropped so far because the disk could not keep up, per topic (none: {}). */
  dropped(): Record<string, number>;
  /** Stops recording; resolves when the index is written and the file complete. Safe to call twice. */
  stop(): Promise<void>;
}

export type RecordSessionOptions = Pick<RecordingThreadOptions, 'flushSeconds' | 'maxQueuedBytes' | 'onStatus'> & {
  /** Where the messages go instead of a file written on a thread of its own (the live Foxglove server). */
  sink?: (path: string) => McapSink;
};

export function recordSession(session: Session, path: string, options: RecordSessionOptions = {}): SessionRecording {
  const { sink, ...threadOptions } = options;
  const recorder: Recorder = sink ? new SessionRecorder(path, { ...threadOptions, sink }) : new RecordingThread(path, threadOptions);
  let sceneShown: unknown;
  const writeSettings = (snapshot: SessionSnapshot) => {
    if (snapshot.scene !== sceneShown) {
      sceneShown = snapshot.scene;
      recorder.setScene(snapshot.time, snapshot.scene);
    }
    recorder.settings(
      snapshot.time,
      {
        task: snapshot.task.id,
        taskParams: snapshot.task.values,
        controller: snapshot.controller.id,
        controllerParams: snapshot.controller.values,
        costWeights: Object.fromEntries(snapshot.task.costTerms.map((t) => [t.name, t.weight])),
        seed: snapshot.seed,
      },
      snapshot.task.costTerms.map((t) => t.name),
    );
  };
  writeSettings(session.snapshot());
  const unsubscribe = [
    session.on('session', writeSettings),
    session.onStep((sample) => recorder.step(sample)),
    session.on('plan', (plan) => recorder.plan(plan)),
    session.on('telemetry', (t) => recorder.timing(t.time, t.timing)),
  ];
  const timer = setInterval(() => recorder.flushIfDue(), 50);
  timer.unref();
  let stopped = false;
  return {
    path,
    dropped: () => recorder.dropped(),
    stop() {
      if (!stopped) {
        stopped = true;
        clearInterval(timer);
        for (const off of unsubscribe) off();
      }
      return recorder.close();
    },
  };
}
