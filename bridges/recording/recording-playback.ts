/**
 * Lays a recording out for the studio's playback: body poses per `/tf` message in the recorded
 * scene's body order (a body not in a message keeps its last pose: fixed bodies are written once),
 * and every numeric field of every topic (numeric-fields.ts) as a series on the recording's own clock
 * (seconds since its first message), with the plots shown first: cost and its terms, the
 * controller's actions, joint positions. The scene and the plans are drawn, not plotted.
 */
import type { PlanEvent } from '../../protocol/api.ts';
import type { PlaybackData, PlaybackPlot, PlaybackSeries } from '../../protocol/recording.ts';
import type { SceneDescription } from '../../protocol/scene.ts';
import type { Recording, RecordedMessage } from './read-recording.ts';
import { numericFields } from './numeric-fields.ts';
import { RECORDING_TOPICS } from './recording-topics.ts';

/** More frames than this are thinned (every n-th kept): the studio holds them all in memory. */
export const MAX_PLAYBACK_FRAMES = 20_000;
/** Plans beyond this many are thinned the same way (a plan of 32 samples × 50 steps is about 20 kB). */
export const MAX_PLAYBACK_PLANS = 2_000;
/** Fields of one topic offered for plotting beyond which the rest are left out (and a note says so). */
export const MAX_FIELDS_PER_TOPIC = 512;
/** Topics drawn rather than plotted. */
const NOT_PLOTTED: ReadonlySet<string> = new Set([RECORDING_TOPICS.scene.topic, RECORDING_TOPICS.plan.topic]);

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

  const series = topicSeries(recording, seconds, notes);
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
    plots: defaultPlots(series),
    plans,
    notes,
  };
}

/** One series per topic: every numeric field any of its messages has, NaN where a message lacks it. */
function topicSeries(recording: Recording, seconds: (m: RecordedMessage) => number, notes: string[]): PlaybackSeries[] {
  const byTopic = new Map<string, RecordedMessage[]>();
  for (const m of recording.messages) {
    if (NOT_PLOTTED.has(m.topic)) continue;
    const list = byTopic.get(m.topic) ?? [];
    if (list.length === 0) byTopic.set(m.topic, list);
    list.push(m);
  }
  const series: PlaybackSeries[] = [];
  for (const [topic, all] of byTopic) {
    const stride = Math.max(1, Math.ceil(all.length / MAX_PLAYBACK_FRAMES));
    if (stride > 1) notes.push(`${topic}: ${all.length} messages thinned to every ${stride}th for plotting`);
    const messages = all.filter((_, k) => k % stride === 0);
    const rows = messages.map((m) => numericFields(m.data));
    const column = new Map<string, number>();
    for (const row of rows) for (const name of row.keys()) if (!column.has(name) && column.size < MAX_FIELDS_PER_TOPIC) column.set(name, column.size);
    if (column.size === 0) continue;
    if (rows.some((row) => [...row.keys()].some((name) => !column.has(name)))) notes.push(`${topic}: only the first ${MAX_FIELDS_PER_TOPIC} fields can be plotted`);
    const names = [...column.keys()];
    const s: PlaybackSeries = { group: topic, names, times: new Float64Array(rows.length), values: new Float32Array(rows.length * names.length).fill(NaN) };
    rows.forEach((row, i) => {
      s.times[i] = seconds(messages[i]!);
      for (const [name, value] of row) {
        const j = column.get(name);
        if (j !== undefined) s.values[i * names.length + j] = value;
      }
    });
    series.push(s);
  }
  return series;
}

/** The plots a playback opens with: cost and its terms, the actions, the joint positions (those recorded). */
function defaultPlots(series: PlaybackSeries[]): PlaybackPlot[] {
  const plot = (title: string, topic: string, keep: (field: string) => boolean): PlaybackPlot[] => {
    const s = series.find((x) => x.group === topic);
    const signals = (s?.names ?? []).filter(keep).map((field) => `${topic} / ${field}`);
    return signals.length ? [{ title, signals }] : [];
  };
  return [
    ...plot('cost', RECORDING_TOPICS.cost.topic, (f) => f === 'total' || f.startsWith('terms.')),
    ...plot('action', RECORDING_TOPICS.action.topic, (f) => f.startsWith('values.')),
    ...plot('joint position', RECORDING_TOPICS.jointStates.topic, (f) => f.startsWith('position.')),
  ];
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
