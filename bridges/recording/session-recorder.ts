/**
 * Records a session — simulated or real — to MCAP: settings and scene, then per control step the
 * joint states, body transforms, controller output and cost terms, plus commands after safety, the
 * robot's own readings, plans and timing as they come. Messages are JSON with the schemas in
 * recording-topics.ts, so Foxglove draws and plots them without any Actuate code.
 *
 * Time: a message's log time is the recording's start (wall clock) plus the session time, so a
 * faster-than-real-time run keeps its simulated timeline; publish time is when it was written.
 */
import type { PlanEvent, Timing } from '../../protocol/api.ts';
import { BODY_STATE_SIZE, type SceneDescription } from '../../protocol/scene.ts';
import { jointPosition, jointVelocity } from '../../sim/kinematics.ts';
import type { RobotState, SentCommand } from '../../sim/robot/robot.ts';
import { FlushingMcapWriter, type FlushingMcapWriterOptions } from './flushing-mcap-writer.ts';
import { RECORDING_TOPICS, type RecordingTopic } from './recording-topics.ts';

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
}

export const RECORDING_PROFILE = 'actuate';

export class SessionRecorder {
  private readonly writer: FlushingMcapWriter;
  private readonly channels = new Map<RecordingTopic, number>();
  private readonly encoder = new TextEncoder();
  private readonly startNs: bigint;
  private scene: SceneDescription | undefined;
  private movingJoints: number[] = [];
  private actuatorNames: string[] = [];
  private costNames: string[] = [];
  private sentStaticFrames = false;
  private closed = false;

  constructor(path: string, options: FlushingMcapWriterOptions & { startedAtMs?: number } = {}) {
    this.writer = new FlushingMcapWriter(path, { profile: RECORDING_PROFILE, ...options });
    this.startNs = BigInt(Math.round(options.startedAtMs ?? Date.now())) * 1_000_000n;
    for (const [key, spec] of Object.entries(RECORDING_TOPICS) as [RecordingTopic, (typeof RECORDING_TOPICS)[RecordingTopic]][]) {
      const schemaId = this.writer.registerSchema({ name: spec.schemaName, encoding: 'jsonschema', data: this.encoder.encode(JSON.stringify(spec.schema)) });
      this.channels.set(key, this.writer.registerChannel({ topic: spec.topic, schemaId, messageEncoding: 'json', metadata: new Map([['description', spec.description]]) }));
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
    this.movingJoints = scene.joints.flatMap((j, i) => (j.type === 'revolute' || j.type === 'prismatic' ? [i] : []));
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
    this.write('jointStates', time, {
      timestamp: stamp,
      joints: this.movingJoints.map((j) => ({
        name: scene.joints[j]!.name,
        position: jointPosition(scene, state, j),
        velocity: jointVelocity(scene, state, j),
      })),
    });
    const transforms = [];
    for (let b = 0; b < scene.bodies.length; b++) {
      const body = scene.bodies[b]!;
      if (body.kind === 'fixed' && this.sentStaticFrames) continue;
      const o = b * BODY_STATE_SIZE;
      transforms.push({
        timestamp: stamp,
        parent_frame_id: 'world',
        child_frame_id: body.name,
        translation: { x: state[o]!, y: state[o + 1]!, z: state[o + 2]! },
        rotation: { x: state[o + 3]!, y: state[o + 4]!, z: state[o + 5]!, w: state[o + 6]! },
      });
    }
    this.sentStaticFrames = true;
    this.write('tf', time, { transforms });
    this.write('action', time, { time, values: named(this.actuatorNames, sample.action) });
    this.write('cost', time, { time, total: sample.cost, terms: named(this.costNames, sample.costTerms) });
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

  /** Writes the index: the file opens fast in Foxglove and `mcap info`. Safe to call twice. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.writer.close();
  }

  private stamp(time: number): { sec: number; nsec: number } {
    const ns = this.logTime(time);
    return { sec: Number(ns / 1_000_000_000n), nsec: Number(ns % 1_000_000_000n) };
  }

  private logTime(time: number): bigint {
    return this.startNs + BigInt(Math.round(time * 1e9));
  }

  private write(topic: RecordingTopic, time: number, message: unknown): void {
    if (this.closed) return;
    this.writer.addMessage({
      channelId: this.channels.get(topic)!,
      sequence: 0,
      logTime: this.logTime(time),
      publishTime: BigInt(Date.now()) * 1_000_000n,
      data: this.encoder.encode(JSON.stringify(message)),
    });
  }
}

const IDENTITY_POSE = { position: { x: 0, y: 0, z: 0 }, orientation: { x: 0, y: 0, z: 0, w: 1 } };

function named(names: readonly string[], values: ArrayLike<number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (let i = 0; i < values.length; i++) out[names[i] ?? String(i)] = values[i]!;
  return out;
}
