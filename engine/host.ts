/**
 * The engine host: one session served to any number of protocol connections (WebSocket clients of
 * `actuate serve`, or the Electron renderer's MessagePort). Session streams fan out to every client;
 * each client has its own backpressure window.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { FrameEvent, Handlers, OverlaySubscriptions, StreamName } from '../protocol/api.ts';
import type { ModelDescription } from '../protocol/models.ts';
import type { ParamSpec } from '../protocol/params.ts';
import type { MessagePortLike } from '../protocol/port.ts';
import { serveApi } from '../protocol/rpc.ts';
import { CONTROLLERS } from '../control/registry.ts';
import { TASKS } from '../sim/tasks/index.ts';
import { adoptRobot } from '../sim/tasks/robot-assets.ts';
import { FREE_PLAY_VARIANT, freePlaySceneOptions, ROBOT_TASK_PREFIX } from '../sim/tasks/free-play.ts';
import { EditCoalescer } from './edit-coalescer.ts';
import { FileAccess, inside, ROBOT_CONFIG_FOLDER, SHIPPED_FOLDERS, type FileKind } from './file-access.ts';
import type { LoadedRobot, LoadRobotInput } from './load-robot-job.ts';
import type { ValidateModelsInput } from './validate-model-job.ts';
import { ModelCatalog } from './model-catalog.ts';
import { withModelKinds } from './model-kind.ts';
import { CardError, loadModelCard } from '../models/model-card.ts';
import { parsePackageList } from '../sim/importers/resolve-path.ts';
import { OffThreadRunner, type OffThreadLimits } from './off-thread.ts';
import { RobotCalibration } from './robot-calibration.ts';
import { RobotLink } from './robot-link.ts';
import { RosLink } from './ros-link.ts';
import { Session, type SessionOptions } from './session.ts';
import { TrainingRuns } from './training-runs.ts';
import { StudioRecording } from './studio-recording.ts';
import { VelocityCommand } from './velocity-command.ts';

const STREAMS: StreamName[] = ['session', 'frame', 'telemetry', 'plan', 'status'];

const LOAD_ROBOT_JOB = new URL('./load-robot-job.ts', import.meta.url);
const DESCRIBE_MODEL_JOB = new URL('./describe-model-job.ts', import.meta.url);
const VALIDATE_MODEL_JOB = new URL('./validate-model-job.ts', import.meta.url);
/** Reading and decoding a controller's model files off the event loop: limits of its thread. */
const MODEL_CHECK_LIMITS: OffThreadLimits = { timeoutMs: 60_000, heapMb: 4096 };
/**
 * Largest model file a client may have a controller load. Controllers load and run their models on the
 * model thread (control/model-thread.ts), so the size bounds memory, not the engine's responsiveness:
 * policies are kilobytes to a few MB, Diffusion Policy's UNet about 250 MB.
 */
export const CONTROLLER_MODEL_BYTES = 256 << 20;
/** A studio velocity command (held keys, a deflected stick) not renewed within this long goes back to zero. */
const VELOCITY_TIMEOUT_MS = 500;
/** Model and card files bigger than this are described off the event loop (smaller ones parse in milliseconds). */
const DESCRIBE_INLINE_BYTES = 4 << 20;

export interface HostOptions extends SessionOptions {
  /** Folders whose .onnx and .card.json files the studio may offer, besides the shipped models/. */
  modelDirs?: string[];
  /** `package://` roots for robot files the studio opens (`serve --package name=dir`), as "name=dir,…". */
  robotPackages?: string;
  /** Folders of robot files (and training runs) clients may open, besides the shipped assets/. */
  robotDirs?: string[];
  /** Folders of training runs the studio lists and plots (and whose exported policies it may run). */
  runDirs?: string[];
  /** Where runs started from the studio go (created on the first one; clients may open files there). */
  trainingDir?: string;
  /** Limits of loading a robot file for a client (off the event loop). */
  robotLoad?: Partial<OffThreadLimits> & { maxLinks?: number };
  /** Largest model file a controller may load for a client, bytes (default CONTROLLER_MODEL_BYTES). */
  controllerModelBytes?: number;
  /** Start the robot loader's thread now (a server), not at the first openRobot (tests, one-shot hosts). */
  warmLoader?: boolean;
}

export class EngineHost {
  private readonly disconnects = new Set<() => void>();
  private readonly offThread = new OffThreadRunner();
  private readonly robotLoad: OffThreadLimits & { maxLinks: number };
  /** Task, controller and parameter edits, with superseded ones dropped (see edit-coalescer.ts). */
  readonly edits: EditCoalescer;
  /** The real robot the studio connects (the Robot panel). */
  readonly robot: RobotLink;
  /** The Robot panel's guided calibration of a robot.json. */
  readonly calibration: RobotCalibration;
  /** The live session's ROS connections (the ROS panel). */
  readonly ros: RosLink;
  /** The Record button's recording of the live session, and recordings opened for playback. */
  readonly recording: StudioRecording;
  /** The studio's Twist (keys, gamepad sticks): the path ROS cmd_vel takes, zeroed when a client stops renewing it. */
  readonly velocity: VelocityCommand;

  private constructor(
    readonly session: Session,
    readonly models: ModelCatalog,
    /** The folders and files clients may name; every path a client sends is checked here first. */
    readonly files: FileAccess,
    readonly training: TrainingRuns,
    robotLoad: HostOptions['robotLoad'] = {},
    private readonly robotPackages = '',
    robotDirs: readonly string[] = [],
    recordingDirs: readonly string[] = [],
    private readonly controllerModelBytes = CONTROLLER_MODEL_BYTES,
  ) {
    this.recording = new StudioRecording(session, files, recordingDirs);
    this.robotLoad = { timeoutMs: 60_000, heapMb: 4096, maxLinks: 1000, ...robotLoad };
    this.edits = new EditCoalescer(() => session.snapshot());
    this.velocity = new VelocityCommand({
      snapshot: () => session.snapshot(),
      apply: (scope, values) => this.edits.submit('params', (merged) => session.setParams(scope, merged ?? values), scope, values),
      timeoutMs: VELOCITY_TIMEOUT_MS,
    });
    this.ros = new RosLink(session);
    this.robot = new RobotLink(session, {
      checkConfig: (path) => files.check(path, 'robotConfig'),
      openModel: async (path) => `${ROBOT_TASK_PREFIX}${await this.loadRobot(path)}`,
      folders: [ROBOT_CONFIG_FOLDER, ...robotDirs],
    });
    this.calibration = new RobotCalibration({
      checkConfig: (path) => files.check(path, 'robotConfig'),
      // The shipped configurations are templates in the project: calibration is saved into the user's copies.
      cannotSave: (real) => (inside([ROBOT_CONFIG_FOLDER, realpathSync(ROBOT_CONFIG_FOLDER)], real) ? `${real} is a shipped template: copy it into a --robots folder (set its port there) and calibrate the copy` : undefined),
      releaseRobot: () => this.robot.disconnect(),
    });
  }

  static async create(options: HostOptions = {}): Promise<EngineHost> {
    const { modelDirs = [], robotDirs = [], runDirs = [], trainingDir, robotLoad, warmLoader, robotPackages, controllerModelBytes, ...sessionOptions } = options;
    // `--package` roots are folders the user named: meshes a robot file finds there may be read.
    const packageRoots = Object.values(parsePackageList(robotPackages ?? ''));
    const files = new FileAccess([...SHIPPED_FOLDERS, ...modelDirs, ...robotDirs, ...runDirs, ...packageRoots, ...(trainingDir ? [trainingDir] : [])]);
    const training = new TrainingRuns(runDirs, trainingDir);
    // Recordings of the Record button go where runs started here go (the first --runs folder, or ./runs).
    const recordingDirs = [...new Set([...(trainingDir ? [trainingDir] : []), ...runDirs])];
    const session = await Session.create(sessionOptions);
    const host = new EngineHost(session, new ModelCatalog(modelDirs), files, training, robotLoad, robotPackages, robotDirs, recordingDirs, controllerModelBytes);
    if (warmLoader) host.warmLoader();
    return host;
  }

  /** Starts the robot loader's and model checker's threads ahead of their first use (a server, once it is listening). */
  warmLoader(): void {
    this.offThread.warm(LOAD_ROBOT_JOB, this.robotLoad.heapMb);
    this.offThread.warm(VALIDATE_MODEL_JOB, MODEL_CHECK_LIMITS.heapMb);
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
    const unsubscribe = [
      ...STREAMS.map((stream) => this.session.on(stream, (data) => forward(stream, data))),
      this.robot.onStatus((status) => server.emit('robot', status)),
      this.calibration.onStatus((status) => server.emit('calibration', status)),
      this.ros.onStatus((status) => server.emit('ros', status)),
      this.training.watch((event) => server.emit('training', event)),
    ];
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
      listTasks: () => TASKS.map(({ id, title, description, params, defaultController }) => ({ id, title, description, params, defaultController })),
      listControllers: () => CONTROLLERS.map(({ id, title, description, params }) => ({ id, title, description, params })),
      getSession: () => s.snapshot(),
      setTask: async ({ id, params }) => {
        if (!id.startsWith(ROBOT_TASK_PREFIX)) return this.edits.submit('task', () => s.setTask(id, params));
        const file = await this.loadRobot(id.slice(ROBOT_TASK_PREFIX.length));
        return this.edits.submit('task', () => s.setTask(`${ROBOT_TASK_PREFIX}${file}`, params));
      },
      setController: async ({ id, params }) => {
        const checked = await this.checkFileParams(CONTROLLERS.find((c) => c.id === id)?.params ?? [], params ?? {});
        return this.edits.submit('controller', () => s.setController(id, checked));
      },
      setParams: async ({ scope, values }) => {
        const checked = scope === 'controller' ? await this.checkFileParams(s.snapshot().controller.params, values) : values;
        return this.edits.submit('params', (merged) => s.setParams(scope, merged ?? checked), scope, checked);
      },
      play: () => s.play(),
      pause: () => s.pause(),
      step: ({ count }) => s.step(count),
      reset: ({ seed }) => s.reset(seed),
      setSpeed: ({ speed }) => s.setSpeed(speed),
      setEngine: ({ engine }) => this.edits.submit('engine', () => s.setEngine(engine)),
      setGhost: ({ on }) => this.edits.submit('ghost', () => s.setGhost(on)),
      perturb: (params) => s.perturb(params),
      openRobot: async ({ file }) => {
        const real = await this.loadRobot(file);
        // With package roots the file is imported again here with them (the loader thread imports without).
        const params = this.robotPackages ? { packages: this.robotPackages } : {};
        return this.edits.submit('robot', () => s.setTaskWithController(`${ROBOT_TASK_PREFIX}${real}`, params, 'jog'));
      },
      listModels: () => withModelKinds(this.models.list()),
      describeModel: ({ path, card }) => this.describeModel(path, card),
      listRuns: () => this.training.list(),
      runMetrics: ({ run }) => this.training.metrics(run),
      startTraining: (options) => this.training.start(options),
      stopTraining: ({ run }) => this.training.stop(run),
      listRobotConfigs: () => this.robot.list(),
      connectRobot: ({ config, port, dryRun }) => {
        if (this.calibration.active) throw new Error(`${this.calibration.status().name} is being calibrated: finish or cancel the calibration first`);
        return this.robot.connect(config, port, dryRun);
      },
      disconnectRobot: () => this.robot.disconnect(),
      rosStatus: () => this.ros.status(),
      rosConnect: (options) => this.ros.connect(options),
      rosDisconnect: ({ id }) => this.ros.disconnect(id),
      jogEndEffector: ({ delta }) => this.robot.jogEndEffector(delta),
      emergencyStop: ({ reason }) => this.robot.emergencyStop(reason),
      calibrateRobot: (request) => {
        const c = this.calibration;
        if (request.action === 'start') return c.start(request.config, request.port);
        return request.action === 'middle' ? c.middle() : request.action === 'finish' ? c.finish() : request.action === 'cancel' ? c.cancel() : c.status();
      },
      setVelocity: (velocity) => this.velocity.set(velocity),
      record: ({ action }) => (action === 'start' ? this.recording.start() : action === 'stop' ? this.recording.stop() : this.recording.status()),
      listRecordings: () => this.recording.list(),
      openRecording: ({ file }) => this.recording.open(file),
    };
  }

  /**
   * Checks a robot file a client named and loads it off the event loop (time and memory limits), so
   * the session then builds its task without parsing; returns its real path. A newer load replaces
   * one still running.
   */
  private async loadRobot(file: string): Promise<string> {
    const real = this.files.check(file, 'robot');
    const { maxLinks, ...limits } = this.robotLoad;
    const input: LoadRobotInput = { file: real, maxLinks, access: this.files.spec(), ...(this.robotPackages ? { packages: this.robotPackages } : {}) };
    const loaded = await this.offThread.run<LoadedRobot>(LOAD_ROBOT_JOB, input, `loading ${file}`, limits, 'robot');
    adoptRobot(real, loaded.model, { options: freePlaySceneOptions(), variant: FREE_PLAY_VARIANT, scene: loaded.scene });
    return real;
  }

  /**
   * Text parameters that name files (models, cards) must name files clients may open: checked, and
   * replaced by their real paths. The model files a card names are checked as well (a card cannot
   * lead the engine out of the allowed folders), and every .onnx file the controller will load is
   * read and decoded on a worker thread first, so a huge or malformed one is refused without
   * stalling the session. A newer check supersedes one still running.
   */
  private async checkFileParams(specs: readonly ParamSpec[], values: Record<string, unknown>): Promise<Record<string, string | number>> {
    const checked = { ...values } as Record<string, string | number>;
    const models: string[] = [];
    for (const spec of specs) {
      const value = values[spec.key];
      if (spec.kind !== 'text' || !spec.file || typeof value !== 'string' || value === '') continue;
      const real = this.files.check(value, spec.file === 'onnx' ? 'model' : 'card');
      checked[spec.key] = real;
      if (spec.file === 'onnx') models.push(real);
      else models.push(...this.cardModels(real));
    }
    if (models.length) {
      const input: ValidateModelsInput = { files: [...new Set(models)], maxBytes: this.controllerModelBytes };
      await this.offThread.run(VALIDATE_MODEL_JOB, input, `checking ${models.map((m) => basename(m)).join(', ')}`, MODEL_CHECK_LIMITS, 'model');
    }
    return checked;
  }

  /** The model files a card names, each checked against the allowed folders (missing ones are the controller's to report). */
  private cardModels(card: string): string[] {
    let named: string[];
    try {
      named = loadModelCard(card).modelFiles;
    } catch (err) {
      // A card that does not parse names nothing; the controller says what is wrong with it.
      if (err instanceof CardError) return [];
      throw err;
    }
    return named.flatMap((file) => this.files.checkNested(file, 'model', card) ?? []);
  }

  private async describeModel(path: string, card?: string): Promise<ModelDescription> {
    const kindOf = (p: string): FileKind => (extname(p).toLowerCase() === '.json' ? 'card' : 'model');
    const file = this.files.check(path, kindOf(path));
    const cardFile = card === undefined ? undefined : this.files.check(card, 'card');
    if (statSync(file).size <= DESCRIBE_INLINE_BYTES) return this.models.describe(file, cardFile);
    return this.offThread.run<ModelDescription>(
      DESCRIBE_MODEL_JOB,
      { folders: this.models.folders, path: file, ...(cardFile ? { card: cardFile } : {}) },
      `describing ${path}`,
      { timeoutMs: 60_000, heapMb: 4096 },
    );
  }

  async dispose(): Promise<void> {
    for (const disconnect of [...this.disconnects]) disconnect();
    this.velocity.dispose();
    this.offThread.dispose();
    this.training.dispose();
    await this.calibration.dispose();
    await this.robot.dispose();
    this.ros.dispose();
    await this.recording.dispose();
    await this.session.dispose();
  }
}

/** Runs one engine session on a single port (the Electron utility process). */
export async function hostEngine(port: MessagePortLike, options: Pick<HostOptions, 'trainingDir'> = {}): Promise<{ dispose(): Promise<void>; allowFile(path: string): void }> {
  const host = await EngineHost.create({ warmLoader: true, runDirs: options.trainingDir ? [options.trainingDir] : [], ...options });
  host.connect(port);
  return { dispose: () => host.dispose(), allowFile: (path) => host.files.allowFile(path) };
}
