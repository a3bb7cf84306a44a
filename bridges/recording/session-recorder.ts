/**
 * Records a session — simulated or real — to MCAP: settings and scene, then per control step the
 * joint states, body transforms, controller output and cost terms, plus commands after safety, the
 * robot's own readings, plans and timing as they come. Messages are ROS 1 or JSON with the schemas in
 * recording-topics.ts, so Foxglove draws and plots them without any Actuate code.
 *
 * Time: a message's log time is the recording's start (wall clock) plus the session time, so a
 * faster-than-real-time run keeps its simulated timeline; publish time is when it was written.
 */
import type { PlanEvent, Timing } from '../../protocol/api.ts';
import type { SceneDescription } from '../../protocol/scene.ts';
import { jointStateMessage, movingJoints, ros1Type, rosTime, tfMessage, type Ros1Type } from '../ros1/ros1-messages.ts';
import type { RobotState, SentCommand } from '../../sim/robot/robot.ts';
import { FlushingMcapWriter, type FlushingMcapWriterOptions, type McapSink } from './flushing-mcap-writer.ts';
import { RECORDING_TOPICS, type RecordingTopic, type TopicSpec } from './recording-topics.ts';

export interface RecordedSettings {
  task: string;
  taskParams: Record<string, unknown>;
  controller: string;
  controllerParams: Record<string, unknown>;
  costWeights: Record<string, number>;
  seed: number;
}

/** One control step as the session sees it; arrays are read during the call only. */
export interface StepSample {
  time: number;
  /** Body states, 13 per body (scene order). */
  state: Float64Array;
  action: Float64Array;
  /** Weighted cost per term, in the task's term order. */
  costTerms: Float64Array;
  cost: number;
  /** The command the controller asked for and what the robot sent after safety, when one was sent this step. */
  command?: { requested: Float64Array; sent: SentCommand };
}

export const RECORDING_PROFILE = 'actuate';

/** What a session records into: a SessionRecorder on the session's thread, or one on a thread of its own (engine/recording-thread.ts). */
export interface Recorder {
  readonly path: string;
  settings(time: number, settings: RecordedSettings, costTermNames: string[]): void;
  setScene(time: number, scene: SceneDescription): void;
  step(sample: StepSample): void;
  plan(plan: PlanEvent): void;
  timing(time: number, timing: Timing): void;
  /** Hands on what has waited long enough (a timer calls this while the session is idle). */
  flushIfDue(): void;
  /** Messages not recorded because the disk (or a live client) could not keep up, per topic ({} when none). */
  dropped(): Record<string, number>;
  /** Writes the index; resolves when the file is complete. Safe to call twice. */
  close(): Promise<void>;
}

const STEP_TOPICS = (['jointStates', 'tf', 'action', 'cost'] as const).map((key) => RECORDING_TOPICS[key].topic);

/** The topics one control step writes: joint states, transforms, action, cost, and the command when one was sent. */
export function stepTopics(sample: StepSample): readonly string[] {
  return sample.command ? [...STEP_TOPICS, RECORDING_TOPICS.command.topic] : STEP_TOPICS;
}

export class SessionRecorder implements Recorder {
  private readonly writer: McapSink;
  private readonly channels = new Map<RecordingTopic, { id: number; ros1?: Ros1Type }>();
  private readonly encoder = new TextEncoder();
  private readonly startNs: bigint;
  private readonly startSeconds: number;
  private scene: SceneDescription | undefined;
  private movingJoints: number[] = [];
  private dynamicBodies: number[] = [];
  private allBodies: number[] = [];
  private actuatorNames: string[] = [];
  private costNames: string[] = [];
  private sentStaticFrames = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private lastTime = 0;
  /** Messages dropped before they reached this recorder (the session thread's queue), per topic. */
  private readonly droppedBefore = new Map<string, number>();

  /** `sink`: where the records go (default: a FlushingMcapWriter on this thread). */
  constructor(path: string, options: FlushingMcapWriterOptions & { startedAtMs?: number; sink?: (path: string, options: FlushingMcapWriterOptions) => McapSink } = {}) {
    const { sink, startedAtMs: _startedAtMs, ...writerOptions } = options;
    this.writer = (sink ?? ((p, o) => new FlushingMcapWriter(p, o)))(path, { profile: RECORDING_PROFILE, ...writerOptions });
    const startedAtMs = Math.round(options.startedAtMs ?? Date.now());
    this.startNs = BigInt(startedAtMs) * 1_000_000n;
    this.startSeconds = startedAtMs / 1000;
    for (const [key, spec] of Object.entries(RECORDING_TOPICS) as [RecordingTopic, TopicSpec][]) {
      const ros1 = spec.encoding === 'ros1' ? ros1Type(spec.schemaName) : undefined;
      const schemaId = this.writer.registerSchema(
        ros1
          ? { name: ros1.name, encoding: 'ros1msg', data: this.encoder.encode(ros1.text) }
          : { name: spec.schemaName, encoding: 'jsonschema', data: this.encoder.encode(JSON.stringify(spec.encoding === 'json' ? spec.schema : {})) },
      );
      const id = this.writer.registerChannel({ topic: spec.topic, schemaId, messageEncoding: ros1 ? 'ros1' : 'json', metadata: new Map([['description', spec.description]]) });
      this.channels.set(key, { id, ...(ros1 ? { ros1 } : {}) });
    }
  }

  get path(): string {
    return this.writer.path;
  }

  /** Task, controller and their parameters; call again after every edit. */
  settings(time: number, settings: RecordedSettings, costTermNames: string[]): void {
    this.costNames = costTermNames;
    this.write('settings', time, settings);
  }

  /** The scene (once per task build); joint and body names for the per-step topics come from it. */
  setScene(time: number, scene: SceneDescription): void {
    this.scene = scene;
    this.movingJoints = movingJoints(scene);
    this.allBodies = scene.bodies.map((_, i) => i);
    this.dynamicBodies = this.allBodies.filter((i) => scene.bodies[i]!.kind === 'dynamic');
    this.actuatorNames = scene.actuators.map((a) => a.name);
    this.sentStaticFrames = false;
    const { meshes: _meshes, ...described } = scene;
    this.write('scene', time, described);
  }

  step(sample: StepSample): void {
    const scene = this.scene;
    if (!scene) throw new Error('SessionRecorder.step before setScene');
    const { time, state } = sample;
    const stamp = this.stamp(time);
    this.write('jointStates', time, jointStateMessage(scene, this.movingJoints, state, stamp));
    // Fixed bodies never move: their transforms go out once.
    this.write('tf', time, tfMessage(scene, this.sentStaticFrames ? this.dynamicBodies : this.allBodies, state, stamp));
    this.sentStaticFrames = true;
    this.write('action', time, { time, values: named(this.actuatorNames, sample.action) });
    this.write('cost', time, { time, total: sample.cost, terms: named(this.costNames, sample.costTerms) });
    if (sample.command) this.command(time, sample.command.requested, sample.command.sent);
  }

  command(time: number, requested: ArrayLike<number>, sent: SentCommand): void {
    this.write('command', time, {
      time,
      requested: Array.from(requested),
      sent: Array.from(sent.action),
      clamped: sent.clamped,
      ...(sent.overridden ? { overridden: sent.overridden } : {}),
    });
  }

  robotState(state: RobotState, joints: string[]): void {
    this.write('robotState', state.time, {
      time: state.time,
      joints,
      position: Array.from(state.position),
      velocity: Array.from(state.velocity),
      ...(state.effort ? { effort: Array.from(state.effort) } : {}),
      ...(state.base ? { base: state.base } : {}),
      faults: state.faults,
    });
  }

  /** The planner's trajectories as line strips in the world frame (Foxglove's 3D panel draws them). */
  plan(plan: PlanEvent): void {
    const stamp = this.stamp(plan.time);
    const points = (data: Float32Array, from: number, count: number) =>
      Array.from({ length: count }, (_, k) => ({ x: data[(from + k) * 3]!, y: data[(from + k) * 3 + 1]!, z: data[(from + k) * 3 + 2]! }));
    const line = (pts: { x: number; y: number; z: number }[], thickness: number, color: { r: number; g: number; b: number; a: number }) => ({
      type: 0, pose: IDENTITY_POSE, thickness, scale_invariant: true, points: pts, color, colors: [], indices: [],
    });
    const samples = Array.from({ length: plan.sampleCount }, (_, s) => line(points(plan.samples, s * plan.steps, plan.steps), 1, { r: 0.4, g: 0.6, b: 1, a: 0.25 }));
    this.write('plan', plan.time, {
      deletions: [],
      entities: [{
        timestamp: stamp, frame_id: 'world', id: 'plan', lifetime: { sec: 0, nsec: 0 }, frame_locked: false, metadata: [],
        arrows: [], cubes: [], spheres: [], cylinders: [], texts: [], triangles: [], models: [],
        lines: [line(points(plan.best, 0, plan.steps), 3, { r: 1, g: 0.5, b: 0, a: 1 }), ...samples],
      }],
    });
  }

  timing(time: number, timing: Timing): void {
    this.write('timing', time, { time, ...timing });
  }

  /** Writes the open chunk if it has waited long enough (a timer calls this while nothing is recorded). */
  flushIfDue(): void {
    if (!this.closed && this.writer.chunkIsDue()) this.writer.flush();
  }

  /** Messages the writer could not keep up with, per topic ({} when none). */
  dropped(): Record<string, number> {
    const out: Record<string, number> = Object.fromEntries(this.droppedBefore);
    const topics = new Map([...this.channels].map(([key, c]) => [c.id, RECORDING_TOPICS[key].topic]));
    for (const [id, n] of this.writer.dropped ?? []) {
      const topic = topics.get(id) ?? String(id);
      if (n > 0) out[topic] = (out[topic] ?? 0) + n;
    }
    return out;
  }

  /** Adds messages dropped before they reached this recorder, so the file's last message counts them too. */
  countDropped(counts: Readonly<Record<string, number>>): void {
    for (const [topic, n] of Object.entries(counts)) this.droppedBefore.set(topic, (this.droppedBefore.get(topic) ?? 0) + n);
  }

  /**
   * Writes the index: the file opens fast in Foxglove and `mcap info`. Safe to call twice. A writer on
   * this thread is done when this returns; one on its own thread when the promise resolves.
   */
  close(): Promise<void> {
    if (this.closed) return this.closing ?? Promise.resolve();
    const dropped = this.dropped();
    if (Object.keys(dropped).length > 0) this.write('recording', this.lastTime, { dropped }, true);
    this.closed = true;
    const done = this.writer.close();
    this.closing = done instanceof Promise ? done : Promise.resolve();
    return this.closing;
  }

  private stamp(time: number): { sec: number; nsec: number } {
    return rosTime(this.startSeconds + time);
  }

  private logTime(time: number): bigint {
    return this.startNs + BigInt(Math.round(time * 1e9));
  }

  private write(topic: RecordingTopic, time: number, message: unknown, always = false): void {
    if (this.closed) return;
    if (time > this.lastTime) this.lastTime = time;
    const channel = this.channels.get(topic)!;
    if (this.writer.wants?.(channel.id) === false) return;
    this.writer.addMessage({
      channelId: channel.id,
      sequence: 0,
      logTime: this.logTime(time),
      publishTime: BigInt(Date.now()) * 1_000_000n,
      data: channel.ros1 ? channel.ros1.writer.writeMessage(message) : this.encoder.encode(JSON.stringify(message)),
    }, { always });
  }
}

const IDENTITY_POSE = { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };

function named(names: readonly string[], values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < values.length; i++) out[names[i] ?? String(i)] = values[i]!;
  return out;
}
