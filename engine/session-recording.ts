/**
 * Wires a session to an MCAP recording: settings and scene at the start and after every edit, every
 * control step, plans and timing as the session streams them. A timer writes the open chunk while
 * the session is idle, so what was recorded reaches the disk within the flush interval.
 */
import type { SessionSnapshot } from '../protocol/api.ts';
import { SessionRecorder } from '../bridges/recording/session-recorder.ts';
import type { Session } from './session.ts';

export interface SessionRecording {
  readonly path: string;
  /** Messages dropped so far because the disk could not keep up, per topic (none: {}). */
  dropped(): Record<string, number>;
  /** Stops recording and writes the index. Safe to call twice. */
  stop(): void;
}

export function recordSession(session: Session, path: string, options: { flushSeconds?: number } = {}): SessionRecording {
  const recorder = new SessionRecorder(path, options);
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
  const timer = setInterval(() => recorder.flushIfDue(), 100);
  timer.unref();
  let stopped = false;
  return {
    path,
    dropped: () => ({}),
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      for (const off of unsubscribe) off();
      recorder.close();
    },
  };
}
