/**
 * The engine's API: every command a client may call (with a zod schema for its parameters, checked at
 * the boundary) and every stream the engine publishes. Both sides are typed from this one file.
 */
import { z } from 'zod';
import type { ModelDescription, ModelListing } from './models.ts';
import type { ParamSpec, ParamValues } from './params.ts';
import type { PlaybackData, RecordingListing, RecordingStatus } from './recording.ts';
import type { SceneDescription } from './scene.ts';
import type { TrainingEvent, TrainingMetrics, TrainingRun } from './training.ts';

export interface TaskInfo {
  id: string;
  title: string;
  description: string;
  params: ParamSpec[];
  /** The controller that solves the task out of the box (a ControllerInfo id). */
  defaultController: string;
}

export interface ControllerInfo {
  id: string;
  title: string;
  description: string;
  params: ParamSpec[];
}

export interface CostTermInfo {
  name: string;
  weight: number;
  range: [number, number];
  norm: string;
  help?: string;
}

export interface SessionSnapshot {
  task: TaskInfo & { values: ParamValues; costTerms: CostTermInfo[]; actuators: string[]; readouts: string[] };
  /** `plans`: the running controller plans (sampled trajectories, plan time); others act step by step. */
  controller: ControllerInfo & { values: ParamValues; plans?: boolean };
  scene: SceneDescription;
  /** Mass of each body as simulated, kg (the studio's body inspector). */
  bodyMasses?: number[];
  seed: number;
  playing: boolean;
  speed: number;
  time: number;
  /** The last controller or session error, shown until the next reset or controller change. */
  error?: string;
  /** What the last edit changed besides what was asked, and why (a controller that cannot run a new task replaced by its default). */
  notice?: string;
  /** The robot the session drives: the task's simulated one, or a real one with the scene as its twin. */
  robot?: { name: string; simulated: boolean };
  /** The physics engine the task's robot simulates in. */
  engine?: 'rapier' | 'mujoco';
  /** The engine the ghost runs in, while one runs (the same task and controller in the other engine). */
  ghost?: 'rapier' | 'mujoco';
}

export interface Timing {
  /** Mean wall time of one physics step, µs. */
  physicsStepUs: number;
  /** Mean and 99th-percentile plan (act) time, ms, of the running controller since it started. */
  planMs: number;
  planP99Ms: number;
  /** Plans (a planner) or control steps (any other controller) per wall-clock second. */
  replanHz: number;
  /** Simulated seconds per wall second over the last second. */
  realtimeFactor: number;
  /** Control steps per wall-clock second over the last second (live runs: the rate the robot is commanded). */
  controlHz?: number;
}

export interface FrameEvent {
  time: number;
  /** Per body: position (3), rotation quaternion x y z w (4). */
  poses: Float32Array;
  /** Active contacts of the last step (see contacts.ts), only for a client that asked with setOverlays. */
  contacts?: Float32Array;
  /** The ghost's body poses (same layout as `poses`), while one runs (setGhost). */
  ghost?: Float32Array;
}

/** What a client asked the engine to add to its frames (overlays it draws). */
export interface OverlaySubscriptions {
  contacts: boolean;
}

/** Per scene joint (scene.joints order): position (rad or m), velocity, and the force its actuator applies (N·m or N; 0 unactuated). */
export interface JointTelemetry {
  position: number[];
  velocity: number[];
  torque: number[];
}

/** The episode so far: return (−Σ cost·dt) and the task's own success metric, live. */
export interface EpisodeTelemetry {
  return: number;
  success: boolean;
  metrics: Record<string, number>;
}

/** A perturbation being applied: a spring from a point on a body to a target, as MuJoCo simulate's. */
export interface PerturbTelemetry {
  body: number;
  /** The body point pulled and where it is pulled to (world, m); the force applied (world, N). */
  point: [number, number, number];
  target: [number, number, number];
  force: [number, number, number];
}

export interface TelemetryEvent {
  time: number;
  cost: number;
  costTerms: number[];
  action: number[];
  readouts: number[];
  timing: Timing;
  joints?: JointTelemetry;
  episode?: EpisodeTelemetry;
  perturb?: PerturbTelemetry;
  /** What the controller reports about its models (file, execution provider, latency), if any. */
  controller?: Record<string, string | number>;
}

export interface PlanEvent {
  time: number;
  /** Trace points of sampled trajectories: sampleCount × steps × 3. */
  samples: Float32Array;
  sampleCount: number;
  steps: number;
  /** The chosen (best or weighted-mean) trajectory: steps × 3. */
  best: Float32Array;
}

export interface StatusEvent {
  playing: boolean;
  time: number;
  /** The seed of the episode running (a reset may change it). */
  seed?: number;
  error?: string;
}

/** A robot configuration (robot.json) the studio may connect: bridges/configs and the --robots folders. */
export interface RobotConfigInfo {
  path: string;
  name: string;
  role: 'follower' | 'leader';
  bus: string;
  port: string;
}

/**
 * How far a jogged goal may run ahead of the joint's last reading (rad; m for a sliding joint), for the
 * Robot panel's joint jog and the engine's end-effector jog alike. Jogs add up on the goals (quick presses
 * build on each other), and on a loaded machine the arm's control loop falls behind them: unbounded, the
 * goals piled up motion the arm kept making after the gamepad's deadman was released (≈ 0.5 rad seen
 * under 12 busy loops).
 */
export const JOG_LEAD = 0.25;

/** The real robot the studio is connected to: live joints, faults and safety counters (the Robot panel). */
export interface RobotStatus {
  /** 'disconnected' when none; 'stopped' after an emergency stop or a safety trip (torque off, latched). */
  mode: 'disconnected' | 'active' | 'holding' | 'stopped';
  config?: string;
  name?: string;
  port?: string;
  /** Torque is on (the follower holds or moves); false for a leader, after a stop, or disconnected. */
  torque: boolean;
  /** A dry run: the robot is only read; commands drive its simulated twin, and `joints` are the twin's. */
  dryRun?: boolean;
  stopReason?: string;
  /** The servos stop by themselves if the engine dies (Dynamixel Bus Watchdog). */
  hardwareWatchdog?: boolean;
  joints: { name: string; position: number; velocity: number; effort?: number; temperature?: number; voltage?: number }[];
  faults: { kind: string; joint?: string; message: string }[];
  /** Safety-layer clamps and trips since connecting, by name. */
  counters: Record<string, number>;
  /** The tool point (world, m) by forward kinematics of the robot model from the present joints: what end-effector jogging moves. */
  tool?: { body: string; position: [number, number, number] };
}

/**
 * The studio's guided calibration of a robot.json (the Robot panel): `middle` waits for the user to
 * put every joint in the middle of its range; `range` records each joint's min/max (raw ticks, 0 …
 * resolution) while the user moves it; `done` has saved the calibration into `saved`.
 */
export interface CalibrationStatus {
  step: 'idle' | 'middle' | 'range' | 'done' | 'failed';
  config?: string;
  name?: string;
  port?: string;
  joints: { name: string; resolution: number; min?: number; max?: number; now?: number }[];
  saved?: string;
  calibration?: Record<string, { homingOffset: number; direction: 1 | -1; rangeMin: number; rangeMax: number }>;
  error?: string;
}

/** The studio's ROS connections (the ROS panel, and those `serve --ros1/--rosbridge` made): topics and live message counts. */
export interface RosStatus {
  connections: RosConnectionStatus[];
}

export interface RosConnectionStatus {
  id: number;
  kind: 'ros1' | 'rosbridge';
  /** The ROS 1 master's or the rosbridge server's URL. */
  url: string;
  namespace: string;
  rateHz: number;
  published: { topic: string; type: string; messages: number }[];
  subscribed: { topic: string; type: string; messages: number }[];
  /** The newest things the connection had to say (master lost, reconnecting, commands ignored), oldest first. */
  log: string[];
}

const values = z.record(z.string(), z.union([z.number(), z.string()]));
const vec3 = z.tuple([z.number(), z.number(), z.number()]);

export const commandSchemas = {
  listTasks: z.object({}).strict(),
  listControllers: z.object({}).strict(),
  getSession: z.object({}).strict(),
  setTask: z.object({ id: z.string(), params: values.optional() }).strict(),
  setController: z.object({ id: z.string(), params: values.optional() }).strict(),
  setParams: z.object({ scope: z.enum(['task', 'cost', 'controller']), values }).strict(),
  play: z.object({}).strict(),
  pause: z.object({}).strict(),
  step: z.object({ count: z.number().int().min(1).max(10_000).optional() }).strict(),
  reset: z.object({ seed: z.number().int().min(0).optional() }).strict(),
  setSpeed: z.object({ speed: z.number().min(0.01).max(100) }).strict(),
  /** The physics engine the task's robot simulates in: the same scene, controller and start, rebuilt in the other engine. */
  setEngine: z.object({ engine: z.enum(['rapier', 'mujoco']) }).strict(),
  /** Runs the same task and controller in the other engine from the present state, drawn as a ghost (on), or stops it. */
  setGhost: z.object({ on: z.boolean() }).strict(),
  /** Overlays whose data this client's frames carry; off by default, so frames stay small. */
  setOverlays: z.object({ contacts: z.boolean() }).strict(),
  /**
   * Pulls a point of a body (`anchor`, body frame) towards `target` (world) with a spring scaled by
   * the mass it moves, applied between physics steps until released ({}), as MuJoCo simulate's
   * Ctrl+drag. Reset and scene changes release it.
   */
  perturb: z.union([z.object({ body: z.number().int().min(0), anchor: vec3, target: vec3 }).strict(), z.object({}).strict()]),
  /** Free play with a URDF/MJCF file on the engine's machine. */
  openRobot: z.object({ file: z.string().min(1) }).strict(),
  /** Model and card files the studio can offer in a picker: paths only. */
  listModels: z.object({}).strict(),
  /** An .onnx file's facts and its card (found beside it or in a cards/ folder, or `card`); `path` may also be a card. */
  describeModel: z.object({ path: z.string().min(1).max(4096), card: z.string().min(1).max(4096).optional() }).strict(),
  /** Training runs in the folders the studio was given (`--runs`), newest first. */
  listRuns: z.object({}).strict(),
  /** Every metrics row of a listed run (its `dir`). */
  runMetrics: z.object({ run: z.string().min(1).max(4096) }).strict(),
  /** Trains a PPO policy on a task for a number of minutes, in a process of its own. */
  startTraining: z
    .object({ task: z.string().min(1).max(4096), minutes: z.number().min(0.1).max(24 * 60), envs: z.number().int().min(1).max(4096).optional(), seed: z.number().int().min(0).optional() })
    .strict(),
  /** Stops a run started here: it finishes its iteration, saves its checkpoint and policy, and exits. */
  stopTraining: z.object({ run: z.string().min(1).max(4096) }).strict(),
  /** Robot configurations (robot.json) the studio may connect. */
  listRobotConfigs: z.object({}).strict(),
  /**
   * Connects a real robot from its configuration (`port` overrides the config's), opens its model and
   * drives it with joint jogging; `dryRun`: torque stays off and the commands drive its simulated twin.
   */
  connectRobot: z.object({ config: z.string().min(1).max(4096), port: z.string().min(1).max(4096).optional(), dryRun: z.boolean().optional() }).strict(),
  disconnectRobot: z.object({}).strict(),
  rosStatus: z.object({}).strict(),
  /** Puts the live session on ROS: a ROS 1 master (http://host:11311) or a rosbridge server (ws://host:9090). */
  rosConnect: z
    .object({
      kind: z.enum(['ros1', 'rosbridge']),
      url: z.string().min(1).max(2048),
      namespace: z.string().max(256).regex(/^[\w/]*$/, 'letters, digits, _ and / only').optional(),
      rateHz: z.number().positive().max(1000).optional(),
      /** Other names for topics, by their default name (`joint_states` → `arm/state`; relative names go under the namespace). */
      topics: z.record(z.string().max(64), z.string().min(1).max(256)).optional(),
      /** The joints `joint_states` carries, in order (default: every moving joint). */
      joints: z.array(z.string().min(1).max(256)).max(256).optional(),
    })
    .strict(),
  rosDisconnect: z.object({ id: z.number().int() }).strict(),
  /** Moves the connected robot's tool point by `delta` (world, m; at most 5 cm a call) through the model's kinematics. */
  jogEndEffector: z.object({ delta: vec3.refine((d) => Math.hypot(...d) <= 0.05, 'a jog moves at most 0.05 m') }).strict(),
  /**
   * Guided calibration: `start` opens a robot.json's bus with torque off (letting go of a connected
   * robot), `middle` takes the present pose as the middle and records ranges, `finish` saves into the
   * robot.json, `cancel` stops without saving.
   */
  calibrateRobot: z.union([
    z.object({ action: z.literal('start'), config: z.string().min(1).max(4096), port: z.string().min(1).max(4096).optional() }).strict(),
    z.object({ action: z.enum(['middle', 'finish', 'cancel', 'status']) }).strict(),
  ]),
  /** Torque off now, whatever the controller is doing (not queued behind it); latched until reconnect. */
  emergencyStop: z.object({ reason: z.string().max(200).optional() }).strict(),
  /**
   * The Twist-style velocity command of a mobile or legged robot (the studio's keys and gamepad; ROS
   * cmd_vel takes the same path): set on the task's live command (else the controller's vx, vy, yawRate),
   * clamped to their ranges; back to zero unless renewed within half a second.
   */
  setVelocity: z.object({ vx: z.number(), vy: z.number(), yawRate: z.number() }).strict(),
  /** Records the live session to a new MCAP file in the engine's recordings folder (start), stops, or tells. */
  record: z.object({ action: z.enum(['start', 'stop', 'status']) }).strict(),
  /** The recordings in the engine's recordings folders. */
  listRecordings: z.object({}).strict(),
  /** An MCAP recording laid out for playback (poses per frame, every signal). */
  openRecording: z.object({ file: z.string().min(1).max(4096) }).strict(),
} as const;

export type CommandName = keyof typeof commandSchemas;
export type CommandParams<C extends CommandName> = z.infer<(typeof commandSchemas)[C]>;

export interface CommandResults {
  listTasks: TaskInfo[];
  listControllers: ControllerInfo[];
  getSession: SessionSnapshot;
  setTask: SessionSnapshot;
  setController: SessionSnapshot;
  setParams: SessionSnapshot;
  play: StatusEvent;
  pause: StatusEvent;
  step: StatusEvent;
  reset: StatusEvent;
  setSpeed: { speed: number };
  setEngine: SessionSnapshot;
  setGhost: SessionSnapshot;
  setOverlays: OverlaySubscriptions;
  perturb: { active: boolean };
  openRobot: SessionSnapshot;
  listModels: ModelListing;
  describeModel: ModelDescription;
  listRuns: TrainingRun[];
  runMetrics: TrainingMetrics[];
  startTraining: TrainingRun;
  stopTraining: TrainingRun;
  listRobotConfigs: RobotConfigInfo[];
  connectRobot: RobotStatus;
  disconnectRobot: RobotStatus;
  rosStatus: RosStatus;
  rosConnect: RosStatus;
  rosDisconnect: RosStatus;
  jogEndEffector: RobotStatus;
  emergencyStop: RobotStatus;
  calibrateRobot: CalibrationStatus;
  setVelocity: { scope: 'task' | 'controller'; command: { vx: number; vy: number; yawRate: number } };
  record: RecordingStatus;
  listRecordings: RecordingListing;
  openRecording: PlaybackData;
}

export interface StreamEvents {
  session: SessionSnapshot;
  frame: FrameEvent;
  telemetry: TelemetryEvent;
  plan: PlanEvent;
  status: StatusEvent;
  training: TrainingEvent;
  /** The connected real robot's state, about 10 times a second while one is connected. */
  robot: RobotStatus;
  /** The guided calibration's step and recorded ranges, a few times a second while recording. */
  calibration: CalibrationStatus;
  /** The ROS connections' topics and message counts, about twice a second while any is open. */
  ros: RosStatus;
}

export type StreamName = keyof StreamEvents;

/** Streams a slow client may miss: the newest value replaces any not yet delivered. */
export const LOSSY_STREAMS: ReadonlySet<StreamName> = new Set(['frame', 'telemetry', 'plan', 'robot', 'calibration', 'ros']);

export type Handlers = { [C in CommandName]: (params: CommandParams<C>) => Promise<CommandResults[C]> | CommandResults[C] };
