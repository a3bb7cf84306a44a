/**
 * The engine host: one session served to any number of protocol connections (WebSocket clients of
 * `actuate serve`, or the Electron renderer's MessagePort). Session streams fan out to every client;
 * each client has its own backpressure window.
 */
import type { FrameEvent, Handlers, OverlaySubscriptions, StreamName } from '../protocol/api.ts';
import type { MessagePortLike } from '../protocol/port.ts';
import { serveApi } from '../protocol/rpc.ts';
import { CONTROLLERS } from '../control/registry.ts';
import { resolve } from 'node:path';
import { TASKS } from '../sim/tasks/index.ts';
import { ROBOT_TASK_PREFIX } from '../sim/tasks/free-play.ts';
import { ModelCatalog } from './model-catalog.ts';
import { Session, type SessionOptions } from './session.ts';

const STREAMS: StreamName[] = ['session', 'frame', 'telemetry', 'plan', 'status'];

export interface HostOptions extends SessionOptions {
  /** Folders whose .onnx and .card.json files the studio may offer, besides the shipped models/. */
  modelDirs?: string[];
  /** `package://` roots for robot files the studio opens (`serve --package name=dir`), as "name=dir,…". */
  robotPackages?: string;
}

export class EngineHost {
  private readonly disconnects = new Set<() => void>();

  private constructor(
    readonly session: Session,
    readonly models: ModelCatalog,
    private readonly robotPackages: string,
  ) {}

  static async create(options: HostOptions = {}): Promise<EngineHost> {
    const { modelDirs, robotPackages, ...sessionOptions } = options;
    return new EngineHost(await Session.create(sessionOptions), new ModelCatalog(modelDirs), robotPackages ?? '');
  }

  get connections(): number {
    return this.disconnects.size;
  }

  /** Serves the protocol on `port` until it closes; returns a function that disconnects it. */
  connect(port: MessagePortLike): () => void {
    // Contacts reach only a client that asked for them: the others' frames stay as small as before.
    let stopContacts: (() => void) | undefined;
    const setOverlays = ({ contacts }: OverlaySubscriptions): OverlaySubscriptions => {
      if (contacts) stopContacts ??= this.session.watchContacts();
      else {
        stopContacts?.();
        stopContacts = undefined;
      }
      return { contacts };
    };
    const server = serveApi(port, { ...this.handlers(), setOverlays });
    const forward = (stream: StreamName, data: unknown) => {
      if (stream === 'frame' && !stopContacts && (data as FrameEvent).contacts) {
        const { contacts: _contacts, ...frame } = data as FrameEvent;
        data = frame;
      }
      server.emit(stream, data as never);
    };
    const unsubscribe = STREAMS.map((stream) => this.session.on(stream, (data) => forward(stream, data)));
    const disconnect = () => {
      if (!this.disconnects.delete(disconnect)) return;
      for (const off of unsubscribe) off();
      stopContacts?.();
      offClose();
      server.close();
      // A robot never keeps moving without a client watching: the last client leaving pauses the sim.
      if (this.disconnects.size === 0) this.session.pause();
    };
    const offClose = port.onClose(disconnect);
    this.disconnects.add(disconnect);
    return disconnect;
  }

  /** The commands every connection shares; `setOverlays` is per connection (see connect). */
  private handlers(): Omit<Handlers, 'setOverlays'> {
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
        await s.setTask(`${ROBOT_TASK_PREFIX}${resolve(file)}`, this.robotPackages ? { packages: this.robotPackages } : undefined);
        return s.setController('jog');
      },
      listModels: () => this.models.list(),
      describeModel: ({ path, card }) => this.models.describe(path, card),
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
