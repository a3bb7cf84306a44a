/**
 * The engine host: one session served to any number of protocol connections (WebSocket clients of
 * `actuate serve`, or the Electron renderer's MessagePort). Session streams fan out to every client;
 * each client has its own backpressure window.
 */
import type { Handlers, StreamName } from '../protocol/api.ts';
import type { MessagePortLike } from '../protocol/port.ts';
import { serveApi } from '../protocol/rpc.ts';
import { CONTROLLERS } from '../control/registry.ts';
import { resolve } from 'node:path';
import { TASKS } from '../sim/tasks/index.ts';
import { ROBOT_TASK_PREFIX } from '../sim/tasks/free-play.ts';
import { Session, type SessionOptions } from './session.ts';

const STREAMS: StreamName[] = ['session', 'frame', 'telemetry', 'plan', 'status'];

export class EngineHost {
  private readonly disconnects = new Set<() => void>();

  private constructor(readonly session: Session) {}

  static async create(options: SessionOptions = {}): Promise<EngineHost> {
    return new EngineHost(await Session.create(options));
  }

  get connections(): number {
    return this.disconnects.size;
  }

  /** Serves the protocol on `port` until it closes; returns a function that disconnects it. */
  connect(port: MessagePortLike): () => void {
    const server = serveApi(port, this.handlers());
    const unsubscribe = STREAMS.map((stream) => this.session.on(stream, (data) => server.emit(stream, data as never)));
    const disconnect = () => {
      if (!this.disconnects.delete(disconnect)) return;
      for (const off of unsubscribe) off();
      offClose();
      server.close();
      // A robot never keeps moving without a client watching: the last client leaving pauses the sim.
      if (this.disconnects.size === 0) this.session.pause();
    };
    const offClose = port.onClose(disconnect);
    this.disconnects.add(disconnect);
    return disconnect;
  }

  private handlers(): Handlers {
    const s = this.session;
    return {
      listTasks: () => TASKS.map(({ id, title, description, params }) => ({ id, title, description, params })),
      listControllers: () => CONTROLLERS.map(({ id, title, description, params }) => ({ id, title, description, params })),
      getSession: () => s.snapshot(),
      setTask: ({ id, params }) => s.setTask(id, params),
      setController: ({ id, params }) => s.setController(id, params),
      setParams: ({ scope, values }) => s.setParams(scope, values),
      play: () => s.play(),
      pause: () => s.pause(),
      step: ({ count }) => s.step(count),
      reset: ({ seed }) => s.reset(seed),
      setSpeed: ({ speed }) => s.setSpeed(speed),
      openRobot: async ({ file }) => {
        await s.setTask(`${ROBOT_TASK_PREFIX}${resolve(file)}`);
        return s.setController('jog');
      },
    };
  }

  async dispose(): Promise<void> {
    for (const disconnect of [...this.disconnects]) disconnect();
    await this.session.dispose();
  }
}

/** Runs one engine session on a single port (the Electron utility process). */
export async function hostEngine(port: MessagePortLike): Promise<{ dispose(): Promise<void> }> {
  const host = await EngineHost.create();
  host.connect(port);
  return { dispose: () => host.dispose() };
}
