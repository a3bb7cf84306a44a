/**
 * The renderer's view of the engine: connection state, task and controller lists, the session
 * snapshot, status and the latest telemetry. React components subscribe to it; frames and plans go
 * straight to their listeners (the viewport) without re-rendering React.
 */
import type { CommandName, CommandParams, CommandResults, ControllerInfo, FrameEvent, OverlaySubscriptions, PlanEvent, CalibrationStatus, RobotStatus, RosStatus, SessionSnapshot, StatusEvent, TaskInfo, TelemetryEvent } from '../../protocol/api.ts';
import type { ModelListing } from '../../protocol/models.ts';
import type { TrainingEvent } from '../../protocol/training.ts';
import type { PlaybackData } from '../../protocol/recording.ts';
import { createClient, type Client } from '../../protocol/rpc.ts';
import { connect } from './connection.ts';
import { SignalRecorder } from './signals.ts';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface EngineState {
  connection: ConnectionState;
  tasks: TaskInfo[];
  controllers: ControllerInfo[];
  snapshot?: SessionSnapshot;
  status?: StatusEvent;
  telemetry?: TelemetryEvent;
  /** Why the last connection attempt failed or the connection closed. */
  connectionError?: string | undefined;
  /** When the next connection attempt starts (ms since the epoch). */
  retryAt?: number;
  toasts: { id: number; message: string }[];
  /** Model and card files the engine offers for file parameters (fetched when a picker is shown). */
  models?: ModelListing;
  /** The play speed this studio asked for (the engine's real-time factor shows what it keeps). */
  speed: number;
  /** The body picked in the viewport for the inspector (index into scene.bodies). */
  selectedBody?: number | undefined;
  /** The real robot connected in the Robot panel (its stream), if any. */
  robot?: RobotStatus;
  /** The Robot panel's guided calibration (its stream), while one runs or has just ended. */
  calibration?: CalibrationStatus;
  /** The live session's ROS connections (the ROS panel; its stream). */
  ros?: RosStatus;
  /** A recording opened for playback: the viewport draws it (showFrame) instead of the live frames. */
  playback?: PlaybackData | undefined;
}

export class EngineStore {
  private state: EngineState = { connection: 'connecting', tasks: [], controllers: [], toasts: [], speed: 1 };
  private readonly listeners = new Set<() => void>();
  private readonly frameListeners = new Set<(f: FrameEvent) => void>();
  private readonly planListeners = new Set<(p: PlanEvent) => void>();
  private readonly resetListeners = new Set<() => void>();
  private readonly trainingListeners = new Set<(e: TrainingEvent) => void>();
  private client: Client | undefined;
  private nextToast = 1;
  private attempts = 0;
  private modelsRequest: Promise<void> | undefined;
  /** The pull to send next (null: let go) while one is in flight. */
  private pendingPull: Parameters<EngineStore['perturb']>[0] | null | undefined;
  private pulling = false;
  /** Overlay data this studio wants in its frames; sent again on every (re)connection. */
  private overlays: OverlaySubscriptions = { contacts: false };
  /** Every streamed signal's recent history, for the plots (made with the first snapshot). */
  signals: SignalRecorder | undefined;

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

  /** Training runs' progress (new metrics rows, a run starting or ending). */
  onTraining(listener: (e: TrainingEvent) => void): () => void {
    this.trainingListeners.add(listener);
    return () => this.trainingListeners.delete(listener);
  }

  /** Called when the episode starts over (reset): views drop what belonged to the last one (plans, drags). */
  onReset(listener: () => void): () => void {
    this.resetListeners.add(listener);
    return () => this.resetListeners.delete(listener);
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
        if (this.client !== client) return;
        this.client = undefined;
        client.close();
        this.set({ connection: 'disconnected', connectionError: 'the engine closed the connection' });
        this.retry();
      });
      client.on('session', (s) => this.adopt(s));
      client.on('status', (status) => this.set({ status }));
      client.on('robot', (robot) => this.set({ robot }));
      client.on('calibration', (calibration) => this.set({ calibration }));
      client.on('ros', (ros) => this.set({ ros }));
      client.on('telemetry', (t) => {
        this.signals?.push(t);
        this.set({ telemetry: t });
      });
      client.on('frame', (f) => {
        if (this.state.playback) return;
        for (const l of this.frameListeners) l(f);
        // Resolve after the next paint: a busy renderer slows the stream instead of queueing frames.
        return new Promise<void>((r) => requestAnimationFrame(() => r()));
      });
      client.on('plan', (p) => {
        // Streams are paced apart from the session events: a plan the old controller sent may land after
        // the snapshot that replaced it with one that does not plan (seen in the studio test under load).
        if (this.state.playback || !this.state.snapshot?.controller.plans) return;
        for (const l of this.planListeners) l(p);
      });
      client.on('training', (e) => {
        for (const l of this.trainingListeners) l(e);
      });
      client.onError((message) => this.toast(message));
      const [tasks, controllers, snapshot] = await Promise.all([client.call('listTasks'), client.call('listControllers'), client.call('getSession')]);
      this.attempts = 0;
      this.set({ connection: 'connected', connectionError: undefined, tasks, controllers });
      this.adopt(snapshot);
      if (this.overlays.contacts) await client.call('setOverlays', this.overlays).catch(() => undefined);
      await client.call('step', { count: 1 }).catch(() => undefined);
    } catch (err) {
      this.client = undefined;
      // The connection indicator shows the state and the reason; a toast per retry would only be noise.
      this.set({ connection: 'disconnected', connectionError: (err as Error).message });
      this.retry();
    }
  }

  /** Reconnects with a growing pause (1, 2, 4, 8 s, then every 10 s). */
  private retry(): void {
    const delay = Math.min(10_000, 1000 * 2 ** this.attempts++);
    this.set({ retryAt: Date.now() + delay });
    setTimeout(() => void this.start(), delay);
  }

  private adopt(snapshot: SessionSnapshot): void {
    const before = this.state.snapshot;
    if (!this.signals) this.signals = new SignalRecorder(snapshot);
    else this.signals.setSnapshot(snapshot);
    const taskChanged = snapshot.task.id !== before?.task.id;
    if (taskChanged || (snapshot.time === 0 && (this.state.telemetry?.time ?? 0) > 0)) {
      // The last telemetry belongs to the old task (its readouts would show under the new names) or to
      // the episode a rebuilt scene ended.
      this.state = { ...this.state, ...(taskChanged ? { selectedBody: undefined } : {}) };
      delete this.state.telemetry;
      this.signals.clear();
    }
    const speed = before ? this.state.speed : snapshot.speed;
    this.set({ snapshot, speed, status: { playing: snapshot.playing, time: snapshot.time, seed: snapshot.seed, ...(snapshot.error ? { error: snapshot.error } : {}) } });
  }

  /** Starts the episode over with `seed`: readouts, plots, plans and drags of the last one go at once. */
  async reset(seed: number): Promise<void> {
    if (!this.client) return;
    this.signals?.clear();
    this.state = { ...this.state };
    delete this.state.telemetry;
    for (const l of this.resetListeners) l();
    await this.call('reset', { seed });
  }

  async setSpeed(speed: number): Promise<void> {
    this.set({ speed });
    await this.call('setSpeed', { speed });
  }

  /** Opens a recording for playback (the live frames stop being drawn) or closes it (undefined). */
  setPlayback(playback: PlaybackData | undefined): void {
    this.set({ playback });
  }

  /** Draws a plan that did not come from the engine's stream (a playback's). */
  showPlan(plan: PlanEvent): void {
    for (const l of this.planListeners) l(plan);
  }

  /** Draws a frame that did not come from the engine's stream (a playback's). */
  showFrame(frame: FrameEvent): void {
    for (const l of this.frameListeners) l(frame);
  }

  select(body: number | undefined): void {
    this.set({ selectedBody: body });
  }

  /** Pulls a body towards a target (or lets go); at most one call in flight, the newest target wins. */
  perturb(pull: { body: number; anchor: [number, number, number]; target: [number, number, number] } | undefined): void {
    this.pendingPull = pull ?? null;
    if (this.pulling) return;
    const send = async (): Promise<void> => {
      const next = this.pendingPull;
      if (next === undefined || !this.client) return;
      this.pendingPull = undefined;
      this.pulling = true;
      try {
        await this.client.call('perturb', next ?? {});
      } catch (err) {
        this.toast((err as Error).message);
      } finally {
        this.pulling = false;
      }
      return send();
    };
    void send();
  }

  toast(message: string): void {
    const id = this.nextToast++;
    this.set({ toasts: [...this.state.toasts, { id, message }] });
    setTimeout(() => this.set({ toasts: this.state.toasts.filter((t) => t.id !== id) }), 6000);
  }

  /** Asks the engine again which model and card files it can offer (pickers asking at once share one call). */
  refreshModels(): Promise<void> {
    const client = this.client;
    if (!client) return Promise.resolve();
    this.modelsRequest ??= client
      .call('listModels')
      .then(
        (models) => this.set({ models }),
        (err: Error) => this.toast(err.message),
      )
      .finally(() => (this.modelsRequest = undefined));
    return this.modelsRequest;
  }

  /** Calls a command and returns its answer; throws what the engine said, for views that show errors in place. */
  async request<C extends CommandName>(method: C, params: CommandParams<C>): Promise<CommandResults[C]> {
    if (!this.client) throw new Error('not connected to the engine');
    return this.client.call(method, params);
  }

  /** Asks the engine to add overlay data (contacts) to frames, or to stop. */
  setOverlays(overlays: OverlaySubscriptions): void {
    if (overlays.contacts === this.overlays.contacts) return;
    this.overlays = overlays;
    void this.call('setOverlays', overlays);
  }

  /** Calls a command; failures become toasts. */
  async call<C extends Parameters<Client['call']>[0]>(method: C, params?: Parameters<Client['call']>[1]): Promise<void> {
    if (!this.client) return;
    try {
      const result = await this.client.call(method, params as never);
      if (result && typeof result === 'object' && 'scene' in result) {
        this.adopt(result as SessionSnapshot);
        // The engine changed something on its own (a controller that cannot run the new task): say so.
        if ((result as SessionSnapshot).notice) this.toast((result as SessionSnapshot).notice!);
      }
      if (result && typeof result === 'object' && 'playing' in result && !('scene' in result)) this.set({ status: result as StatusEvent });
    } catch (err) {
      this.toast((err as Error).message);
    }
  }
}
