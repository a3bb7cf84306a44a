/**
 * The session: owns the task instance, the robot it drives (a SimRobot over the task's Rapier world),
 * the sim clock and the active controller. Every control step and every edit goes through one serial
 * queue, so edits land between physics steps. Listeners get frames, telemetry, plans and status;
 * nothing is computed for a stream nobody listens to.
 *
 * Two ways to run: lock-step (`runFor`, `step`: each control step waits for the controller, so a run is
 * deterministic for a seed) and live (`play`: the controller runs in a PlannerLoop, the control loop
 * reads the latest plan at its own rate and never waits for one, as in MuJoCo MPC).
 */
import type {
  CommandParams,
  FrameEvent,
  PerturbTelemetry,
  PlanEvent,
  SessionSnapshot,
  StatusEvent,
  StreamEvents,
  TelemetryEvent,
} from '../protocol/api.ts';
import { controllerParams, controllerSettings, type ControlContext, type Controller, type ControllerDefinition } from '../control/controller.ts';
import { PlannerLoop } from '../control/planner-loop.ts';
import { findController } from '../control/registry.ts';
import { residualSize, totalCost } from '../sim/cost.ts';
import { jointReadings } from '../sim/joint-readings.ts';
import { defaults, mergeParams, type NumberParam, type ParamSpec, type ParamValues } from '../sim/params.ts';
import { Random } from '../sim/random.ts';
import { loadRapier, type Rapier } from '../sim/rapier/load-rapier.ts';
import { loadMujoco, type Mujoco } from '../sim/mujoco/load-mujoco.ts';
import { mujocoWorldForTask } from '../sim/mujoco/mujoco-world.ts';
import { GhostRun } from './ghost-run.ts';
import { ActuatorMap } from '../sim/robot/actuator-map.ts';
import type { Robot } from '../sim/robot/robot.ts';
import { RobotTwin } from '../sim/robot/robot-twin.ts';
import { SimRobot } from '../sim/robot/sim-robot.ts';
import type { TaskDefinition, TaskInstance, TaskMonitor } from '../sim/task.ts';
import { findTask } from '../sim/tasks/index.ts';
import { Perturbation } from './perturbation.ts';
import type { StepSample } from '../bridges/recording/session-recorder.ts';
import { SerialQueue } from './serial-queue.ts';
import { RateMeter, RollingStats } from './timing-stats.ts';

export interface SessionOptions {
  taskId?: string;
  controllerId?: string;
  seed?: number;
  taskParams?: Record<string, unknown>;
  controllerParams?: Record<string, unknown>;
  costWeights?: Record<string, unknown>;
  /** Where controller ids are looked up (tests add their own). */
  findController?: (id: string) => ControllerDefinition;
  /** The physics engine of the task's simulated robot (default rapier; planners' rollouts stay on Rapier). */
  engine?: PhysicsEngine;
}

export type PhysicsEngine = 'rapier' | 'mujoco';

/** A robot driven instead of the task's simulated one: its twin poses the scene from each reading. */
interface AttachedRobot {
  robot: Robot;
  twin: RobotTwin;
  actuators: ActuatorMap;
  /** Robot time of the episode's first reading (session time counts from it). */
  start: number | undefined;
}

type Listener<S extends keyof StreamEvents> = (data: StreamEvents[S]) => void;
/** Streams sent at a bounded rate. */
type EmittedStream = 'frame' | 'telemetry' | 'plan';

const FRAME_INTERVAL_MS = 1000 / 60;
const TELEMETRY_INTERVAL_MS = 1000 / 30;
const PLAN_INTERVAL_MS = 1000 / 20;
/** Behind real time by more than this, the session stops trying to catch up. */
const MAX_LAG_S = 0.25;

export class Session {
  private taskDef!: TaskDefinition;
  private taskValues!: ParamValues;
  task!: TaskInstance;
  private weights!: Float64Array;
  /** The task's simulated robot: driven, or the twin of an attached real robot. */
  private sim!: SimRobot;
  private real: AttachedRobot | undefined;
  private controllerDef!: ControllerDefinition;
  private controllerValues!: ParamValues;
  /**
   * Whether the user picked the controller (setController, or one named at start). A picked controller
   * follows the user to the next task when it can run it; one that came with its task gives way to the
   * next task's default, as MuJoCo MPC loads each task with its own planner.
   */
  private controllerPicked = false;
  /** The running controller, inside the loop that keeps the live control loop from waiting for it. */
  private loop: PlannerLoop | undefined;
  private state!: Float64Array;
  private action!: Float64Array;
  private residual!: Float64Array;
  private perTerm!: Float64Array;
  private monitor!: TaskMonitor;
  private substeps = 1;
  private time = 0;
  private seed: number;
  private playing = false;
  private speed = 1;
  private error: string | undefined;
  /** What the last edit changed on its own and why (see SessionSnapshot.notice); cleared by the next edit. */
  private notice: string | undefined;
  private episodeReturn = 0;
  private lastCost = 0;
  private steps = 0;
  private readonly queue = new SerialQueue();
  private readonly listeners = new Map<string, Set<(data: never) => void>>();
  /** Called after every control step, unthrottled (recordings, ROS publishers). */
  private readonly stepObservers = new Set<(sample: StepSample) => void>();
  /** The command asked for and the one the robot sent after safety, for this step's observers. */
  private lastCommand: StepSample['command'];
  private readonly nextEmit: Record<EmittedStream, number> = { frame: 0, telemetry: 0, plan: 0 };
  readonly physicsStepUs = new RollingStats(512);
  readonly planMs = new RollingStats(512);
  private readonly replans = new RateMeter();
  private readonly simRate = { wall: 0, sim: 0, factor: 0, steps: 0, controlHz: 0 };
  private disposed = false;
  /** Clients that asked for contacts in frames (the studio's contact overlay). */
  private contactWatchers = 0;
  /** A body being dragged in the studio (released by reset and by any new scene). */
  private perturbation: Perturbation | undefined;
  private lastPush: PerturbTelemetry | undefined;
  /** Set when the task's robot simulates in MuJoCo instead of Rapier. */
  private mujoco: Mujoco | undefined;
  /** The same task and controller run in the other engine, drawn as a ghost (engine/ghost-run.ts). */
  private ghost: GhostRun | undefined;
  private ghostWanted = false;

  private constructor(
    private readonly R: Rapier,
    seed: number,
    private readonly lookupController: (id: string) => ControllerDefinition,
  ) {
    this.seed = seed;
  }

  static async create(options: SessionOptions = {}): Promise<Session> {
    const lookup = options.findController ?? findController;
    const session = new Session(await loadRapier(), options.seed ?? 0, lookup);
    if (options.engine === 'mujoco') session.mujoco = await loadMujoco();
    const taskDef = findTask(options.taskId ?? 'cartpole-swingup');
    const controllerDef = lookup(options.controllerId ?? taskDef.defaultController);
    const taskValues = mergeParams(taskDef.params, defaults(taskDef.params), options.taskParams ?? {}, 'task');
    session.buildTask(taskDef, taskValues);
    if (options.costWeights) session.applyCostWeights(options.costWeights);
    session.controllerDef = controllerDef;
    session.controllerPicked = options.controllerId !== undefined;
    session.controllerValues = session.controllerDefaults(controllerDef, options.controllerParams ?? {});
    await session.startController();
    await session.resetState();
    return session;
  }

  // ── streams ──────────────────────────────────────────────────────────────────────────────────

  on<S extends keyof StreamEvents>(stream: S, listener: Listener<S>): () => void {
    let set = this.listeners.get(stream);
    if (!set) this.listeners.set(stream, (set = new Set()));
    set.add(listener as (data: never) => void);
    return () => set.delete(listener as (data: never) => void);
  }

  /**
   * Adds the last step's active contacts to frames until the returned function is called. Nobody
   * watching, frames carry none and the narrow phase is not read.
   */
  watchContacts(): () => void {
    this.contactWatchers++;
    // A paused view shows them at once, not at the next step.
    void this.queue.push(() => this.emitFrame(true));
    let watching = true;
    return () => {
      if (watching) this.contactWatchers--;
      watching = false;
    };
  }

  /** Calls `observer` after every control step with that step's state, action and costs (read them during the call). */
  onStep(observer: (sample: StepSample) => void): () => void {
    this.stepObservers.add(observer);
    return () => this.stepObservers.delete(observer);
  }

  private wants(stream: keyof StreamEvents): boolean {
    return (this.listeners.get(stream)?.size ?? 0) > 0;
  }

  private emit<S extends keyof StreamEvents>(stream: S, data: StreamEvents[S]): void {
    for (const listener of this.listeners.get(stream) ?? []) (listener as Listener<S>)(data);
  }

  // ── queries ──────────────────────────────────────────────────────────────────────────────────

  snapshot(): SessionSnapshot {
    const t = this.taskDef;
    const c = this.controllerDef;
    return {
      task: {
        id: t.id,
        title: t.title,
        description: t.description,
        params: t.params,
        defaultController: t.defaultController,
        values: { ...this.taskValues },
        costTerms: this.task.costTerms.map((term, i) => ({
          name: term.name,
          weight: this.weights[i]!,
          range: term.range,
          norm: term.norm.kind,
          ...(term.help ? { help: term.help } : {}),
        })),
        actuators: this.task.scene.actuators.map((a) => a.name),
        readouts: this.task.readouts.map((r) => r.name),
      },
      controller: { id: c.id, title: c.title, description: c.description, params: this.controllerParams(c), values: { ...this.controllerValues }, plans: typeof this.controller?.plan === 'function' },
      scene: this.task.scene,
      bodyMasses: this.task.scene.bodies.map((_, i) => this.sim.bodyMass(i)),
      seed: this.seed,
      playing: this.playing,
      speed: this.speed,
      time: this.time,
      ...(this.error ? { error: this.error } : {}),
      ...(this.notice ? { notice: this.notice } : {}),
      robot: { name: this.robot.name, simulated: this.robot.capabilities.simulated },
      engine: this.mujoco ? 'mujoco' : 'rapier',
      ...(this.ghost ? { ghost: this.ghost.engine } : {}),
    };
  }

  status(): StatusEvent {
    return { playing: this.playing, time: this.time, seed: this.seed, ...(this.error ? { error: this.error } : {}) };
  }

  get simTime(): number {
    return this.time;
  }

  currentState(): Float64Array {
    return this.state.slice();
  }

  /** The robot the session drives: an attached one, else the task's simulated robot. */
  get robot(): Robot {
    return this.real?.robot ?? this.sim;
  }

  private get controller(): Controller | undefined {
    return this.loop?.controller;
  }

  /** What the running controller reports about its models (file, execution provider, latency). */
  controllerInfo(): Record<string, string | number> | undefined {
    return this.controller?.info?.();
  }

  /** Episode return so far: −Σ cost · dt. */
  get return(): number {
    return this.episodeReturn;
  }

  get controlSteps(): number {
    return this.steps;
  }

  result(): ReturnType<TaskMonitor['result']> {
    return this.monitor.result();
  }

  get replanHz(): number {
    return this.replans.rate();
  }

  // ── edits: queued, applied between steps ───────────────────────────────────────────────────

  setTask(id: string, params: Record<string, unknown> = {}): Promise<SessionSnapshot> {
    return this.edit(async () => {
      const def = findTask(id);
      const values = mergeParams(def.params, defaults(def.params), params, 'task');
      this.buildTask(def, values);
      await this.startOnNewTask(def);
      await this.resetState();
    });
  }

  /** Rebuilds the task's robot in `engine` (MuJoCo loaded on first use), with the same parameters, controller and start. */
  setEngine(engine: PhysicsEngine): Promise<SessionSnapshot> {
    return this.edit(async () => {
      if ((engine === 'mujoco') === (this.mujoco !== undefined)) return;
      this.mujoco = engine === 'mujoco' ? await loadMujoco() : undefined;
      this.buildTask(this.taskDef, this.taskValues);
      await this.startOnNewTask(this.taskDef);
      await this.resetState();
    });
  }

  /** Runs (on) or stops (off) the ghost: the same task and controller in the other engine, from the present state. */
  setGhost(on: boolean): Promise<SessionSnapshot> {
    return this.edit(async () => {
      this.ghostWanted = on;
      await this.rebuildGhost();
    });
  }

  /** The ghost for the present task and controller, started from the present state; none when not wanted or not possible. */
  private async rebuildGhost(): Promise<void> {
    const old = this.ghost;
    this.ghost = undefined;
    await old?.dispose();
    if (!this.ghostWanted || this.real || !this.loop) return;
    const physics = this.mujoco ? ({ engine: 'rapier', R: this.R } as const) : ({ engine: 'mujoco', mj: await loadMujoco() } as const);
    // The ghost's plans are never drawn: its planner need not trace them.
    const context: ControlContext = { taskId: this.taskDef.id, taskParams: this.taskValues, task: this.task, costWeights: () => this.weights, robot: this.sim.capabilities, wantsPlan: () => false };
    try {
      const ghost = await GhostRun.create(physics, this.taskDef.id, this.task, context, this.controllerDef, this.controllerValues);
      ghost.reset(this.state, this.time, this.seed);
      this.ghost = ghost;
    } catch (err) {
      this.notice = `the ${physics.engine} ghost cannot run: ${(err as Error).message}`;
    }
  }

  /** The ghost's control period, after the session's; a ghost that fails is stopped and the studio told why. */
  private async stepGhost(ghost: GhostRun, dt: number): Promise<void> {
    if (this.ghost !== ghost || this.error) return;
    try {
      await ghost.step(dt);
    } catch (err) {
      if (this.ghost !== ghost) return;
      this.ghost = undefined;
      this.ghostWanted = false;
      this.notice = `the ${ghost.engine} ghost stopped: ${(err as Error).message}`;
      void ghost.dispose();
      this.emit('session', this.snapshot());
    }
  }

  /**
   * A new task run by a named controller (a robot opened for free play and jogged): one edit, so
   * clients get one new scene and the old controller is never started on the new task.
   */
  setTaskWithController(id: string, params: Record<string, unknown>, controllerId: string): Promise<SessionSnapshot> {
    return this.edit(async () => {
      const def = findTask(id);
      this.buildTask(def, mergeParams(def.params, defaults(def.params), params, 'task'));
      const controller = this.lookupController(controllerId);
      this.controllerPicked = false;
      await this.startOrHold(controller, this.controllerDefaults(controller, {}));
      await this.resetState();
    });
  }

  /**
   * The task's default controller, unless the user picked the current one and it can run the new task;
   * when it cannot (its create throws: a policy whose card names another robot's joints), switches to
   * the default and says why.
   */
  private async startOnNewTask(def: TaskDefinition): Promise<void> {
    const current = this.controllerPicked ? this.controllerDef : this.lookupController(def.defaultController);
    const values = this.controllerDefaults(current, {});
    if (current.id === def.defaultController) return this.startOrHold(current, values);
    try {
      await this.startController(current, values);
    } catch (err) {
      const fallback = this.lookupController(def.defaultController);
      this.controllerPicked = false;
      this.notice = `controller '${current.id}' cannot run ${def.id} (${(err as Error).message}); switched to the task's default controller '${fallback.id}'`;
      await this.startOrHold(fallback, this.controllerDefaults(fallback, {}));
    }
  }

  setController(id: string, params: Record<string, unknown> = {}): Promise<SessionSnapshot> {
    return this.edit(async () => {
      const def = this.lookupController(id);
      const values = this.controllerDefaults(def, params);
      // Picking a controller that still needs its model file (or replacing one that is not running)
      // selects it and holds until the file is set; otherwise a bad file keeps the running one.
      if (!this.controller || waitingForFiles(this.controllerParams(def), values)) await this.startOrHold(def, values);
      else await this.startController(def, values);
      this.controllerPicked = true;
    });
  }

  setParams(scope: 'task' | 'cost' | 'controller', values: Record<string, unknown>): Promise<SessionSnapshot> {
    return this.edit(async () => {
      if (scope === 'cost') this.applyCostWeights(values);
      else if (scope === 'controller') {
        const params = this.controllerParams(this.controllerDef);
        const next = mergeParams(params, this.controllerValues, values, 'controller');
        // Text settings name files the controller loads when it is created: start it again.
        const reload = params.some((p) => p.kind === 'text' && next[p.key] !== this.controllerValues[p.key]);
        // With nothing running there is nothing to keep: the new file is taken, and the error says why it does not start.
        if (reload && !this.controller) await this.startOrHold(this.controllerDef, next);
        else if (reload) await this.startController(this.controllerDef, next);
        else {
          this.controllerValues = next;
          this.controller?.setParams(next);
        }
      } else {
        const next = mergeParams(this.taskDef.params, this.taskValues, values, 'task');
        // A live parameter (a velocity command) changes the running task in place: no rebuild, no reset.
        const live = Object.keys(values).every((key) => this.taskDef.params.some((p) => p.key === key && p.kind === 'number' && p.live));
        if (live && this.task.setLive) {
          this.taskValues = next;
          this.task.setLive(next);
          return;
        }
        const weights = this.weights;
        this.buildTask(this.taskDef, next);
        this.weights = weights;
        await this.startOrHold();
        await this.resetState();
      }
    });
  }

  /**
   * Drives `robot` (connected, its joints and actuators named as in the task's scene) instead of the
   * simulated one, or the simulated one again when undefined. The scene becomes the robot's twin,
   * posed from each reading: the viewport shows the real robot, and planners roll out from its state.
   * A robot let go of is sent an emergency stop (hold), so it is never left moving uncontrolled.
   */
  attachRobot(robot: Robot | undefined): Promise<SessionSnapshot> {
    return this.edit(async () => {
      const old = this.real;
      this.real = robot ? this.fit(robot) : undefined;
      if (old && old.robot !== robot) await old.robot.emergencyStop('detached from the studio session');
      await this.startOrHold();
      await this.resetState();
    });
  }

  /** The attachment of `robot` to the current task's scene; throws naming what does not fit. */
  private fit(robot: Robot): AttachedRobot {
    return { robot, twin: new RobotTwin(this.task.scene, robot.capabilities.joints), actuators: new ActuatorMap(this.task.scene, robot.capabilities), start: undefined };
  }

  reset(seed?: number): Promise<StatusEvent> {
    return this.queue.push(async () => {
      if (seed !== undefined) this.seed = seed;
      if (this.error) await this.startOrHold();
      await this.resetState();
      this.emitFrame(true);
      // The reset state's readouts at once: nothing of the last episode stays on screen.
      this.emitTelemetry(true);
      this.emit('status', this.status());
      return this.status();
    });
  }

  /** Starts, moves or (with {}) releases the pull on a body; applied between physics steps. */
  perturb(params: CommandParams<'perturb'>): Promise<{ active: boolean }> {
    return this.queue.push(() => {
      if (!('body' in params)) {
        this.perturbation = this.lastPush = undefined;
        return { active: false };
      }
      if (this.perturbation?.body === params.body) this.perturbation.moveTo(params.target, params.anchor);
      else this.perturbation = new Perturbation(this.task.scene, (i) => this.sim.bodyMass(i), params.body, params.anchor, params.target);
      return { active: true };
    });
  }

  private async edit(change: () => Promise<void> | void): Promise<SessionSnapshot> {
    return this.queue.push(async () => {
      this.notice = undefined;
      await change();
      const snapshot = this.snapshot();
      this.emit('session', snapshot);
      this.emitFrame(true);
      // The readouts of the state now shown (a new task's start, not the last step of the old one).
      this.emitTelemetry(true);
      return snapshot;
    });
  }

  // ── time ─────────────────────────────────────────────────────────────────────────────────────

  play(): StatusEvent {
    if (!this.playing && !this.error) {
      this.playing = true;
      // The real-time factor measures play, not the pause before it.
      Object.assign(this.simRate, { wall: 0, sim: 0, factor: 0, steps: 0, controlHz: 0 });
      void this.runRealtime();
    }
    this.emit('status', this.status());
    return this.status();
  }

  pause(): StatusEvent {
    this.playing = false;
    this.emit('status', this.status());
    return this.status();
  }

  setSpeed(speed: number): { speed: number } {
    this.speed = speed;
    return { speed };
  }

  /** Advances `count` control steps (paused stepping from the studio). */
  async step(count = 1): Promise<StatusEvent> {
    for (let i = 0; i < count && !this.error; i++) await this.queue.push(() => this.controlStep(false));
    this.emitFrame(true);
    this.emitTelemetry(true);
    return this.status();
  }

  /**
   * One live control step for a caller that paces its own loop (`actuate deploy --rate`): as a tick of
   * `play`, an attached robot is read, the latest plan applied, the command sent.
   */
  async tick(): Promise<void> {
    await this.queue.push(() => this.controlStep(true));
  }

  /**
   * Runs as fast as possible until simulated time reaches `seconds` (headless runs and benchmarks).
   * Steps run in batches inside one queue job, yielding whenever an edit is waiting.
   */
  async runFor(seconds: number): Promise<void> {
    if (this.real) throw new Error(`robot '${this.real.robot.name}' is real and runs in real time: play it instead`);
    const end = seconds - 1e-9;
    while (this.time < end && !this.error) {
      await this.queue.push(async () => {
        while (this.time < end && !this.error && this.queue.waiting === 0) {
          const pending = this.controlStep(false);
          if (pending) await pending;
        }
      });
    }
  }

  /** Simulated time is paced to wall time (× speed); a real robot is commanded once per control period. */
  private async runRealtime(): Promise<void> {
    let wall0 = performance.now();
    let sim0 = this.time;
    let ticks = 0;
    while (this.playing && !this.disposed) {
      await this.queue.push(() => this.controlStep(true));
      const wallElapsed = (performance.now() - wall0) / 1000;
      const due = this.real ? ++ticks * this.task.timing.controlDt : (this.time - sim0) / this.speed;
      const ahead = due - wallElapsed;
      if (ahead > 0) await sleep(ahead * 1000);
      else {
        if (-ahead > MAX_LAG_S) {
          wall0 = performance.now();
          sim0 = this.time;
          ticks = 0;
        }
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  /**
   * One control period: the robot's action, then `substeps` physics steps. Lock-step asks the
   * controller and waits for its answer, returning a promise only when it answers asynchronously
   * (planners), so synchronous controllers step without a round through the event loop. Live offers
   * the state to the planner loop and applies the latest plan's action for now, whatever is running.
   */
  private controlStep(live: boolean): Promise<void> | void {
    const ghost = this.ghost;
    const main = this.controlStepOfRobot(live);
    if (!ghost) return main;
    const dt = this.task.timing.controlDt;
    return main ? main.then(() => this.stepGhost(ghost, dt)) : this.stepGhost(ghost, dt);
  }

  /** The session robot's control period (see controlStep). */
  private controlStepOfRobot(live: boolean): Promise<void> | void {
    if (this.real) return this.realStep(this.real, live);
    const loop = this.loop;
    if (this.error || !loop) return this.advance();
    const reading = loop.controller.reads === 'robot' ? this.sim.readNow() : undefined;
    const t0 = performance.now();
    if (live) {
      const answer = loop.offer(this.state, this.time, reading);
      if (this.error) return;
      if (answer) return this.acceptAction(answer, t0);
      // A fast policy answers for this very state within a fraction of the period; a planner's latest
      // plan serves meanwhile — before the first lands, the last command (the hold action after a reset).
      const latest = () => this.acceptAction(loop.action(this.time) ?? this.action, undefined);
      return loop.busy ? loop.landed(this.answerBudgetMs()).then(latest) : latest();
    }
    let answer: Promise<Float64Array> | Float64Array;
    try {
      answer = loop.actNow(this.state, this.time, reading);
    } catch (err) {
      return this.fail(err as Error);
    }
    if (!(answer instanceof Promise)) return this.acceptAction(answer, t0);
    return answer.then(
      (action) => this.acceptAction(action, t0),
      (err: Error) => this.fail(err),
    );
  }

  /** How long a live tick waits for an answer to its own state: a quarter of the control period (wall time). */
  private answerBudgetMs(): number {
    return (250 * this.task.timing.controlDt) / this.speed;
  }

  /** Sends the action to the robot (`t0`: when the controller was asked, to time the answer) and advances. */
  private acceptAction(action: Float64Array, t0: number | undefined): void {
    if (this.error || !this.validAction(action)) return;
    if (t0 !== undefined) this.recordPlan(performance.now() - t0);
    const sent = this.sim.sendNow({ action });
    this.action.set(sent.action);
    if (this.stepObservers.size) this.lastCommand = { requested: action, sent };
    this.advance();
  }

  /**
   * One control period of an attached robot: read it, pose the twin, ask the controller (live: the
   * latest plan) and send; the robot's own clock is the session's.
   */
  private async realStep(real: AttachedRobot, live: boolean): Promise<void> {
    const reading = await real.robot.read();
    // A joint the robot could not read (a bus read that timed out: NaN) leaves no state to act on: this
    // period asks, sends and books nothing, so the twin, the controller and the return never take a NaN.
    // The robot holds its last goal; its own read-failure trip and command watchdog decide what follows.
    if (!allFinite(reading.position) || !allFinite(reading.velocity)) return;
    real.start ??= reading.time;
    const time = reading.time - real.start;
    const dt = Math.max(0, time - this.time);
    this.state.set(real.twin.stateOf(reading));
    this.sim.setSimState(this.state, time);
    this.time = time;
    const loop = this.loop;
    if (this.error || !loop) return;
    const t0 = performance.now();
    let action: Float64Array;
    let timed = true;
    try {
      if (live) {
        const answer = loop.offer(this.state, time, reading);
        if (this.error) return;
        timed = answer !== undefined;
        if (!answer && loop.busy) await loop.landed(this.answerBudgetMs());
        action = answer ?? loop.action(time) ?? this.action;
      } else action = await loop.actNow(this.state, time, reading);
    } catch (err) {
      return this.fail(err as Error);
    }
    // The controller may have failed while this tick waited (the robot then got its emergency stop).
    if (this.error || !this.validAction(action)) return;
    if (timed) this.recordPlan(performance.now() - t0);
    const requested = real.actuators.toRobot(action, reading);
    const sent = await real.robot.send({ action: requested });
    this.action.set(real.actuators.fromRobot(sent.action));
    // Recorded in the robot's own units, as its bus saw them.
    if (this.stepObservers.size) this.lastCommand = { requested, sent };
    this.record(dt);
  }

  /** One finite value per actuator; anything else stops the controller. */
  private validAction(action: Float64Array): boolean {
    if (action.length === this.task.actionDim && allFinite(action)) return true;
    this.fail(new Error(`controller '${this.controllerDef.id}' returned an invalid action [${Array.from(action).join(', ')}]`));
    return false;
  }

  private recordPlan(ms: number): void {
    if (this.controllerDef.id === 'zero') return;
    this.planMs.add(ms);
    this.replans.tick();
  }

  private advance(): void {
    if (this.error) return;
    const dt = this.task.timing.controlDt;
    const push = this.perturbation?.force(this.state);
    this.lastPush = push;
    const t0 = performance.now();
    this.sim.advance(dt, push);
    const elapsed = performance.now() - t0;
    this.physicsStepUs.add((elapsed * 1000) / this.substeps);
    this.sim.simState(this.state);
    this.time = this.sim.time;
    this.record(dt);
  }

  /** Books a control period of `dt` seconds: cost, return, the success monitor, and the streams. */
  private record(dt: number): void {
    this.steps++;
    this.task.residual(this.state, this.action, this.residual);
    const cost = totalCost(this.task.costTerms, this.weights, this.residual, this.perTerm);
    this.lastCost = cost;
    this.episodeReturn -= cost * dt;
    this.monitor.record(this.time, this.state, this.action);
    if (this.stepObservers.size) {
      const sample: StepSample = { time: this.time, state: this.state, action: this.action, costTerms: this.perTerm, cost, ...(this.lastCommand ? { command: this.lastCommand } : {}) };
      this.lastCommand = undefined;
      for (const observer of this.stepObservers) observer(sample);
    }
    this.trackRealtime(dt);
    this.emitFrame(false);
    this.emitTelemetry(false);
    this.emitPlan();
  }

  private fail(err: Error): void {
    this.error = `controller '${this.controllerDef.id}' failed: ${err.message}`;
    this.playing = false;
    this.action.fill(0);
    const loop = this.loop;
    this.loop = undefined;
    void loop?.halt().then(() => loop.controller.dispose());
    // A real robot is never left moving without a live controller.
    void this.real?.robot.emergencyStop(this.error);
    this.emit('status', this.status());
    this.emit('session', this.snapshot());
  }

  // ── building ─────────────────────────────────────────────────────────────────────────────────

  private buildTask(def: TaskDefinition, values: ParamValues): void {
    const task = def.build(values);
    void this.sim?.disconnect();
    // The ghost ran the old task; the controller started next builds the new one's.
    void this.ghost?.dispose();
    this.ghost = undefined;
    const real = this.real;
    this.taskDef = def;
    this.taskValues = values;
    this.task = task;
    this.sim = new SimRobot(this.mujoco ? mujocoWorldForTask(this.mujoco, task.scene, def.id) : this.R, task.scene, def.id);
    this.weights = Float64Array.from(task.costTerms, (t) => t.weight);
    this.state = new Float64Array(task.scene.bodies.length * 13);
    this.action = new Float64Array(task.actionDim);
    this.residual = new Float64Array(residualSize(task.costTerms));
    this.perTerm = new Float64Array(task.costTerms.length);
    this.perturbation = this.lastPush = undefined;
    this.substeps = Math.max(1, Math.round(task.timing.controlDt / task.scene.timestep));
    if (real) this.refit(real);
  }

  /** After a task change an attached robot stays if it fits the new scene; else it is stopped and let go. */
  private refit(real: AttachedRobot): void {
    try {
      this.real = this.fit(real.robot);
    } catch (err) {
      this.real = undefined;
      void real.robot.emergencyStop(`the studio's task changed: ${(err as Error).message}`);
    }
  }

  private controllerParams(def: ControllerDefinition): ParamSpec[] {
    return controllerParams(def, this.task);
  }

  private controllerDefaults(def: ControllerDefinition, overrides: Record<string, unknown>): ParamValues {
    return controllerSettings(def, this.task, overrides);
  }

  private applyCostWeights(values: Record<string, unknown>): void {
    const specs: NumberParam[] = this.task.costTerms.map((t) => ({
      kind: 'number', key: t.name, label: t.name, default: t.weight, min: t.range[0], max: t.range[1],
    }));
    const current = Object.fromEntries(this.task.costTerms.map((t, i) => [t.name, this.weights[i]!]));
    const next = mergeParams(specs, current, values, 'cost');
    this.weights = Float64Array.from(this.task.costTerms, (t) => next[t.name] as number);
  }

  /**
   * (Re)creates the controller. The new one is built before the old one is let go, so a controller
   * that cannot start (a missing model file) leaves the running one in place and the error is thrown.
   */
  private async startController(def = this.controllerDef, values = this.controllerValues): Promise<void> {
    const context: ControlContext = {
      taskId: this.taskDef.id,
      taskParams: this.taskValues,
      task: this.task,
      costWeights: () => this.weights,
      robot: this.robot.capabilities,
      wantsPlan: () => this.isDue('plan'),
    };
    const next = await def.create(context, values);
    const old = this.loop;
    this.loop = this.loopFor(next);
    this.controllerDef = def;
    this.controllerValues = values;
    this.error = undefined;
    this.forgetTiming();
    next.reset(this.seed);
    await this.rebuildGhost();
    // The old controller's plan in flight is for a state that no longer matters: the edit does not wait
    // for it (halt discards it at once); the controller is disposed when it lands.
    void stopLoop(old).catch(() => undefined);
  }

  /** The live loop around a controller: plan times go to the timing readout, a failure stops the controller. */
  private loopFor(controller: Controller): PlannerLoop {
    const loop: PlannerLoop = new PlannerLoop(controller, {
      planned: (ms) => this.recordPlan(ms),
      failed: (err) => {
        if (this.loop === loop) this.fail(err);
      },
    });
    return loop;
  }

  /**
   * Starts the controller, or, when it cannot start, keeps it selected with nothing running: the
   * simulation holds and the session error says why (a model file still to choose, a file that is not
   * a model) until a reset or an edit starts it.
   */
  private async startOrHold(def = this.controllerDef, values = this.controllerValues): Promise<void> {
    try {
      await this.startController(def, values);
    } catch (err) {
      const old = this.loop;
      this.loop = undefined;
      this.controllerDef = def;
      this.controllerValues = values;
      this.error = `controller '${def.id}' cannot start: ${(err as Error).message}`;
      this.forgetTiming();
      this.playing = false;
      this.action.fill(0);
      await stopLoop(old);
    }
  }

  /** A new episode: waits for a plan in flight (it belongs to the old one), then resets robot and controller. */
  private async resetState(): Promise<void> {
    await this.loop?.halt();
    if (this.real) return this.resetEpisode();
    this.state = this.task.reset(new Random(this.seed));
    this.sim.resetTo(this.state);
    this.sim.simState(this.state);
    this.time = this.sim.time;
    // What the actuators hold until the controller's first action arrives (live runs).
    this.action.set(this.task.holdAction?.(this.state) ?? new Float64Array(this.task.actionDim));
    this.ghost?.reset(this.state, this.time, this.seed);
    this.resetEpisode();
  }

  /** Starts the episode's clock, return, success monitor and controller again (a real robot stays where it is). */
  private resetEpisode(): void {
    if (this.real) {
      this.real.start = undefined;
      this.time = 0;
    }
    this.steps = 0;
    this.episodeReturn = 0;
    this.lastCost = 0;
    this.perTerm.fill(0);
    this.monitor = this.task.monitor();
    this.perturbation = this.lastPush = undefined;
    this.controller?.reset(this.seed);
  }

  /** A new controller's timing starts empty: the last one's plan times are not its own. */
  private forgetTiming(): void {
    this.planMs.clear();
    this.replans.clear();
  }

  // ── emission ─────────────────────────────────────────────────────────────────────────────────

  private trackRealtime(dt: number): void {
    const now = performance.now();
    if (!this.simRate.wall) this.simRate.wall = now;
    this.simRate.sim += dt;
    this.simRate.steps++;
    const wall = (now - this.simRate.wall) / 1000;
    if (wall >= 1) {
      this.simRate.factor = this.simRate.sim / wall;
      this.simRate.controlHz = this.simRate.steps / wall;
      this.simRate.wall = now;
      this.simRate.sim = 0;
      this.simRate.steps = 0;
    }
  }

  /** Whether `stream` is due (someone listens, its next time has come); if so, books the next time. */
  private due(stream: EmittedStream, interval: number, force: boolean): boolean {
    if (!(force ? this.wants(stream) : this.isDue(stream))) return false;
    // A fixed grid, not "interval since the last": a step that wakes a little late (a busy machine's
    // timers) and the catch-up step right after it must not cost a frame.
    this.nextEmit[stream] = Math.max(this.nextEmit[stream], performance.now() - interval) + interval;
    return true;
  }

  /** Whether an event of `stream` made now would be sent: someone listens and its next time has come. */
  private isDue(stream: EmittedStream): boolean {
    return this.wants(stream) && performance.now() >= this.nextEmit[stream];
  }

  private emitFrame(force: boolean): void {
    if (!this.due('frame', FRAME_INTERVAL_MS, force)) return;
    const frame: FrameEvent = { time: this.time, poses: this.sim.poses(), ...(this.ghost ? { ghost: this.ghost.poses() } : {}) };
    if (this.contactWatchers > 0) frame.contacts = this.sim.contacts();
    this.emit('frame', frame);
  }

  private emitTelemetry(force: boolean): void {
    if (!this.due('telemetry', TELEMETRY_INTERVAL_MS, force)) return;
    const info = this.controllerInfo();
    const result = this.monitor.result();
    const telemetry: TelemetryEvent = {
      time: this.time,
      cost: this.lastCost,
      costTerms: Array.from(this.perTerm),
      action: Array.from(this.action),
      readouts: this.task.readouts.map((r) => r.read(this.state)),
      joints: jointReadings(this.task.scene, this.state, this.action),
      episode: { return: this.episodeReturn, success: result.success, metrics: result.metrics },
      ...(this.lastPush ? { perturb: this.lastPush } : {}),
      ...(info ? { controller: info } : {}),
      timing: {
        physicsStepUs: this.physicsStepUs.mean(),
        planMs: this.planMs.mean(),
        planP99Ms: this.planMs.percentile(99),
        replanHz: this.replans.rate(),
        realtimeFactor: this.simRate.factor,
        controlHz: this.simRate.controlHz,
      },
    };
    this.emit('telemetry', telemetry);
  }

  private emitPlan(): void {
    const plan = this.controller?.plan?.();
    if (!plan || !this.due('plan', PLAN_INTERVAL_MS, false)) return;
    const event: PlanEvent = { time: this.time, ...plan };
    this.emit('plan', event);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.playing = false;
    await this.queue.idle();
    const loop = this.loop;
    this.loop = undefined;
    await stopLoop(loop);
    await this.real?.robot.emergencyStop('the studio session closed');
    await this.ghost?.dispose();
    this.ghost = undefined;
    await this.sim.disconnect();
  }
}

/** Waits for a loop's plan in flight, then disposes its controller. */
async function stopLoop(loop: PlannerLoop | undefined): Promise<void> {
  if (!loop) return;
  await loop.halt();
  await loop.controller.dispose();
}

/** A controller whose file settings (model, card) are all empty has not been given its model yet. */
function waitingForFiles(params: readonly ParamSpec[], values: ParamValues): boolean {
  const files = params.filter((p) => p.kind === 'text' && p.file);
  return files.length > 0 && files.every((p) => !values[p.key]);
}

function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
