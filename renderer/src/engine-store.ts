/**
 * The renderer's view of the engine: connection state, task and controller lists, the session
 * snapshot, status and the latest telemetry. React components subscribe to it; frames and plans go
 * straight to their listeners (the viewport) without re-rendering React.
 */
import type { ControllerInfo, FrameEvent, PlanEvent, SessionSnapshot, StatusEvent, TaskInfo, TelemetryEvent } from '../../protocol/api.ts';
import { createClient, type Client } from '../../protocol/rpc.ts';
import { connect } from './connection.ts';
import { PlotBuffer } from './plot-buffer.ts';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface EngineState {
  connection: ConnectionState;
  tasks: TaskInfo[];
  controllers: ControllerInfo[];
  snapshot?: SessionSnapshot;
  status?: StatusEvent;
  telemetry?: TelemetryEvent;
  toasts: { id: number; message: string }[];
}

const PLOT_SAMPLES = 300; // 10 s at the 30 Hz telemetry rate

export class EngineStore {
  private state: EngineState = { connection: 'connecting', tasks: [], controllers: [], toasts: [] };
  private readonly listeners = new Set<() => void>();
  private readonly frameListeners = new Set<(f: FrameEvent) => void>();
  private readonly planListeners = new Set<(p: PlanEvent) => void>();
  private client: Client | undefined;
  private nextToast = 1;
  cost = new PlotBuffer(1, PLOT_SAMPLES);
  actions = new PlotBuffer(1, PLOT_SAMPLES);
  readouts = new PlotBuffer(1, PLOT_SAMPLES);

  get(): EngineState {
    return this.state;
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  onFrame(listener: (f: FrameEvent) => void): () => void {
    this.frameListeners.add(listener);
    return () => this.frameListeners.delete(listener);
  }

  onPlan(listener: (p: PlanEvent) => void): () => void {
    this.planListeners.add(listener);
    return () => this.planListeners.delete(listener);
  }

  private set(patch: Partial<EngineState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }

  async start(): Promise<void> {
    this.set({ connection: 'connecting' });
    try {
      const port = await connect();
      const client = createClient(port);
      this.client = client;
      port.onClose(() => {
        this.client = undefined;
        this.set({ connection: 'disconnected' });
        setTimeout(() => void this.start(), 2000);
      });
      client.on('session', (s) => this.adopt(s));
      client.on('status', (status) => this.set({ status }));
      client.on('telemetry', (t) => {
        this.cost.push(t.time, [t.cost]);
        this.actions.push(t.time, t.action);
        this.readouts.push(t.time, t.readouts);
        this.set({ telemetry: t });
      });
      client.on('frame', (f) => {
        for (const l of this.frameListeners) l(f);
        // Resolve after the next paint: a busy renderer slows the stream instead of queueing frames.
        return new Promise<void>((r) => requestAnimationFrame(() => r()));
      });
      client.on('plan', (p) => {
        for (const l of this.planListeners) l(p);
      });
      client.onError((message) => this.toast(message));
      const [tasks, controllers, snapshot] = await Promise.all([client.call('listTasks'), client.call('listControllers'), client.call('getSession')]);
      this.set({ connection: 'connected', tasks, controllers });
      this.adopt(snapshot);
      await client.call('step', { count: 1 }).catch(() => undefined);
    } catch (err) {
      this.set({ connection: 'disconnected' });
      this.toast((err as Error).message);
      setTimeout(() => void this.start(), 2000);
    }
  }

  private adopt(snapshot: SessionSnapshot): void {
    const changed = snapshot.task.actuators.length !== this.actions.series || snapshot.task.readouts.length !== this.readouts.series || snapshot.task.id !== this.state.snapshot?.task.id;
    if (changed) {
      this.cost = new PlotBuffer(1, PLOT_SAMPLES);
      this.actions = new PlotBuffer(snapshot.task.actuators.length, PLOT_SAMPLES);
      this.readouts = new PlotBuffer(snapshot.task.readouts.length, PLOT_SAMPLES);
    }
    this.set({ snapshot, status: { playing: snapshot.playing, time: snapshot.time, ...(snapshot.error ? { error: snapshot.error } : {}) } });
  }

  toast(message: string): void {
    const id = this.nextToast++;
    this.set({ toasts: [...this.state.toasts, { id, message }] });
    setTimeout(() => this.set({ toasts: this.state.toasts.filter((t) => t.id !== id) }), 6000);
  }

  /** Calls a command; failures become toasts. */
  async call<C extends Parameters<Client['call']>[0]>(method: C, params?: Parameters<Client['call']>[1]): Promise<void> {
    if (!this.client) return;
    try {
      const result = await this.client.call(method, params as never);
      if (result && typeof result === 'object' && 'scene' in result) this.adopt(result as SessionSnapshot);
      if (result && typeof result === 'object' && 'playing' in result && !('scene' in result)) this.set({ status: result as StatusEvent });
    } catch (err) {
      this.toast((err as Error).message);
    }
  }
}
