/**
 * Lays a recording out for the studio's playback: body poses per `/tf` message in the recorded
 * scene's body order (a body not in a message keeps its last pose: fixed bodies are written once),
 * and every numeric signal — cost and its terms, the controller's actions, joint positions — as a
 * series on the recording's own clock (seconds since its first message).
 */
import type { PlanEvent } from '../../protocol/api.ts';
import type { PlaybackData, PlaybackSeries } from '../../protocol/recording.ts';
import type { SceneDescription } from '../../protocol/scene.ts';
import type { Recording, RecordedMessage } from './read-recording.ts';
import { RECORDING_TOPICS } from './recording-topics.ts';

/** More frames than this are thinned (every n-th kept): the studio holds them all in memory. */
export const MAX_PLAYBACK_FRAMES = 20_000;
/** Plans beyond this many are thinned the same way (a plan of 32 samples × 50 steps is about 20 kB). */
export const MAX_PLAYBACK_PLANS = 2_000;

interface Transform {
  child_frame_id: string;
  transform: { translation: { x: number; y: number; z: number }; rotation: { x: number; y: number; z: number; w: number } };
}

export function recordingPlayback(recording: Recording, liveScene?: SceneDescription): PlaybackData {
  const notes: string[] = [];
  if (recording.recoveryNote) notes.push(`${recording.path} was not closed cleanly: ${recording.recoveryNote}`);
  const on = (topic: string) => recording.messages.filter((m) => m.topic === topic);
  const scenes = on(RECORDING_TOPICS.scene.topic);
  if (scenes.length === 0) throw new Error(`${recording.path}: no ${RECORDING_TOPICS.scene.topic} message; it was not recorded by Actuate (or was cut off before its first write)`);
  const recorded = scenes[scenes.length - 1]!;
  const scene = withMeshes(recorded.data as SceneDescription, liveScene, notes);
  const t0 = recording.messages.reduce((a, m) => (m.logTime < a ? m.logTime : a), recorded.logTime);
  const seconds = (m: RecordedMessage) => Number(m.logTime - t0) / 1e9;

  // Frames: the tf messages after the last scene was written (an earlier scene's bodies differ).
  const tfs = on(RECORDING_TOPICS.tf.topic).filter((m) => m.logTime >= recorded.logTime);
  const stride = Math.max(1, Math.ceil(tfs.length / MAX_PLAYBACK_FRAMES));
  if (stride > 1) notes.push(`${tfs.length} frames thinned to every ${stride}th for playback`);
  const index = new Map(scene.bodies.map((b, i) => [b.name, i]));
  const bodies = scene.bodies.length;
  const frameCount = Math.ceil(tfs.length / stride);
  const times = new Float64Array(frameCount);
  const poses = new Float32Array(frameCount * bodies * 7);
  const current = new Float32Array(bodies * 7);
  for (let b = 0; b < bodies; b++) current[b * 7 + 6] = 1;
  let frame = 0;
  tfs.forEach((m, k) => {
    for (const t of (m.data as { transforms: Transform[] }).transforms) {
      const b = index.get(t.child_frame_id);
      if (b === undefined) continue;
      const { translation: p, rotation: q } = t.transform;
      current.set([p.x, p.y, p.z, q.x, q.y, q.z, q.w], b * 7);
    }
    if (k % stride !== 0) return;
    times[frame] = seconds(m);
    poses.set(current, frame * bodies * 7);
    frame++;
  });
  if (frameCount === 0) notes.push(`no ${RECORDING_TOPICS.tf.topic} messages: nothing moves`);

  const series: PlaybackSeries[] = [];
  const addSeries = (group: string, messages: RecordedMessage[], row: (data: never) => Record<string, number>) => {
    if (messages.length === 0) return;
    const names = Object.keys(row(messages[0]!.data as never));
    const s: PlaybackSeries = { group, names, times: new Float64Array(messages.length), values: new Float32Array(messages.length * names.length) };
    messages.forEach((m, i) => {
      s.times[i] = seconds(m);
      const r = row(m.data as never);
      names.forEach((n, j) => (s.values[i * names.length + j] = r[n] ?? NaN));
    });
    series.push(s);
  };
  addSeries('cost', on(RECORDING_TOPICS.cost.topic), (d: { total: number; terms: Record<string, number> }) => ({ total: d.total, ...d.terms }));
  addSeries('action', on(RECORDING_TOPICS.action.topic), (d: { values: Record<string, number> }) => d.values);
  addSeries('joint position', on(RECORDING_TOPICS.jointStates.topic), (d: { name: string[]; position: ArrayLike<number> }) =>
    Object.fromEntries(d.name.map((n, i) => [n, d.position[i]!])),
  );
  const recordedPlans = on(RECORDING_TOPICS.plan.topic).filter((m) => m.logTime >= recorded.logTime);
  const planStride = Math.max(1, Math.ceil(recordedPlans.length / MAX_PLAYBACK_PLANS));
  if (planStride > 1) notes.push(`${recordedPlans.length} plans thinned to every ${planStride}th for playback`);
  const plans = recordedPlans.filter((_, k) => k % planStride === 0).flatMap((m) => planEvent(seconds(m), m.data as SceneUpdateMessage));
  const settings = on(RECORDING_TOPICS.settings.topic).at(-1)?.data as { task?: string; controller?: string } | undefined;
  const last = recording.messages.reduce((a, m) => (m.logTime > a ? m.logTime : a), t0);
  return {
    file: recording.path,
    ...(settings?.task ? { task: settings.task } : {}),
    ...(settings?.controller ? { controller: settings.controller } : {}),
    scene,
    duration: Number(last - t0) / 1e9,
    times,
    poses,
    series,
    plans,
    notes,
  };
}

interface SceneUpdateMessage {
  entities: { lines: { points: { x: number; y: number; z: number }[] }[] }[];
}

/** A recorded plan back as the viewport draws it: SessionRecorder.plan writes the best line first, then the samples. */
function planEvent(time: number, update: SceneUpdateMessage): PlanEvent[] {
  const lines = update.entities[0]?.lines ?? [];
  const best = lines[0];
  if (!best) return [];
  const steps = best.points.length;
  const samples = lines.slice(1).filter((l) => l.points.length === steps);
  const flat = (points: { x: number; y: number; z: number }[], out: Float32Array, at: number) =>
    points.forEach((p, k) => out.set([p.x, p.y, p.z], at + k * 3));
  const event: PlanEvent = { time, steps, sampleCount: samples.length, best: new Float32Array(steps * 3), samples: new Float32Array(samples.length * steps * 3) };
  flat(best.points, event.best, 0);
  samples.forEach((l, s) => flat(l.points, event.samples, s * steps * 3));
  return [event];
}

/** Recordings leave meshes out; the live scene lends its own when it has every mesh the recorded one names. */
function withMeshes(scene: SceneDescription, live: SceneDescription | undefined, notes: string[]): SceneDescription {
  const wanted = new Set(scene.bodies.flatMap((b) => b.geoms.flatMap((g) => (g.shape.type === 'mesh' ? [g.shape.mesh] : []))));
  if (wanted.size === 0) return scene;
  if (live?.meshes && [...wanted].every((m) => live.meshes![m])) return { ...scene, meshes: Object.fromEntries([...wanted].map((m) => [m, live.meshes![m]!])) };
  notes.push('the recording does not hold meshes and the live scene is another robot: mesh parts are not drawn (open the same robot to see them)');
  return scene;
}
