/**
 * `serve --foxglove [PORT]`: the live session on the Foxglove WebSocket protocol, as the topics of an
 * Actuate recording (joint states, transforms, actions, cost terms, plans, timing, settings, scene),
 * so Foxglove or Lichtblick show the robot and plot its signals next to a user's other data.
 */
import { FoxgloveLiveSink } from '../bridges/foxglove/foxglove-live-sink.ts';
import { startFoxgloveServer } from '../bridges/foxglove/foxglove-server.ts';
import { recordSession } from './session-recording.ts';
import type { Session } from './session.ts';

export interface LiveFoxglove {
  readonly url: string;
  /** Messages a slow client missed, per topic. */
  dropped(): Record<string, number>;
  close(): Promise<void>;
}

export async function serveFoxglove(session: Session, options: { host?: string; port?: number } = {}): Promise<LiveFoxglove> {
  const server = await startFoxgloveServer(options);
  const stream = recordSession(session, server.url, { sink: (url) => new FoxgloveLiveSink(server.foxglove, url, { bufferedBytes: server.bufferedBytes }) });
  return {
    url: server.url,
    dropped: () => stream.dropped(),
    async close() {
      await stream.stop();
      await server.close();
    },
  };
}
