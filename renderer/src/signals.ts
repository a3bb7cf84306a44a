/**
 * Everything the engine streams, as named scalar signals a plot can show (as Foxglove's plot panel
 * offers every message field): cost and its terms, actions, the task's readouts, every joint's
 * position, velocity and actuator torque, the episode's return and success metrics, and the timing.
 * Names are "group / item"; the recorder keeps the last minute of all of them, so picking a signal
 * shows its history at once.
 */
import type { SessionSnapshot, TelemetryEvent } from '../../protocol/api.ts';
import { PlotBuffer } from './plot-buffer.ts';

/** Seconds of simulated time kept for every signal (the longest plot window). */
export const RECORD_SECONDS = 60;
/** Telemetry at ≈30 Hz of wall time: a minute of simulation at 1× speed, fewer seconds when slower. */
const CAPACITY = 4096;

export interface SignalLayout {
  /** Signal names, in the order of the recorded columns. */
  names: string[];
  /** Group name → the names in it, for pickers. */
  groups: Map<string, string[]>;
  /** Metric names the layout was made for (they arrive with the first telemetry). */
  metrics: string[];
}

/** The joints worth a row or a trace: those that move. */
export function movingJoints(snapshot: SessionSnapshot): { index: number; name: string }[] {
  return snapshot.scene.joints.flatMap((j, index) => (j.type === 'fixed' ? [] : [{ index, name: j.name }]));
}

export function signalLayout(snapshot: SessionSnapshot, metrics: readonly string[] = []): SignalLayout {
  const { task } = snapshot;
  const joints = movingJoints(snapshot).map((j) => j.name);
  const groups = new Map<string, string[]>();
  const add = (group: string, items: readonly string[]) => groups.set(group, items.map((item) => `${group} / ${item}`));
  add('cost', ['total', ...task.costTerms.map((t) => t.name)]);
  add('action', task.actuators);
  add('state', task.readouts);
  add('joint position', joints);
  add('joint velocity', joints);
  add('joint torque', joints);
  add('episode', ['return', ...metrics]);
  add('timing', ['physics µs', 'act ms', 'real-time factor']);
  return { names: [...groups.values()].flat(), groups, metrics: [...metrics] };
}

/** One telemetry event as a row of values in the layout's order (NaN where a value is missing). */
export function signalRow(snapshot: SessionSnapshot, layout: SignalLayout, t: TelemetryEvent): number[] {
  const joints = movingJoints(snapshot);
  const fromJoints = (values: number[] | undefined) => joints.map((j) => values?.[j.index] ?? NaN);
  const metrics = t.episode?.metrics ?? {};
  return [
    t.cost,
    ...snapshot.task.costTerms.map((_, i) => t.costTerms[i] ?? NaN),
    ...snapshot.task.actuators.map((_, i) => t.action[i] ?? NaN),
    ...snapshot.task.readouts.map((_, i) => t.readouts[i] ?? NaN),
    ...fromJoints(t.joints?.position),
    ...fromJoints(t.joints?.velocity),
    ...fromJoints(t.joints?.torque),
    t.episode?.return ?? NaN,
    // A metric that is not finite yet (no samples) arrives as null over JSON.
    ...layout.metrics.map((m) => (typeof metrics[m] === 'number' ? metrics[m] : NaN)),
    t.timing.physicsStepUs,
    t.timing.planMs,
    t.timing.realtimeFactor,
  ];
}

/** Every signal over the last minute of simulated time; starts over when the layout changes. */
export class SignalRecorder {
  layout: SignalLayout;
  private buffer: PlotBuffer;
  private readonly column = new Map<string, number>();
  /** Bumped whenever the recorded columns change (plots re-pick their columns). */
  version = 0;

  constructor(private snapshot: SessionSnapshot) {
    this.layout = signalLayout(snapshot);
    this.buffer = new PlotBuffer(this.layout.names.length, CAPACITY, RECORD_SECONDS);
    this.index();
  }

  /** Adopts a new snapshot: same signals keep their history, different ones start over. */
  setSnapshot(snapshot: SessionSnapshot): void {
    this.snapshot = snapshot;
    this.relayout(signalLayout(snapshot, this.layout.metrics));
  }

  push(t: TelemetryEvent): void {
    const metrics = Object.keys(t.episode?.metrics ?? {});
    if (metrics.join('|') !== this.layout.metrics.join('|')) this.relayout(signalLayout(this.snapshot, metrics));
    this.buffer.push(t.time, signalRow(this.snapshot, this.layout, t));
  }

  clear(): void {
    this.buffer.clear();
    this.version++;
  }

  /** Time, then the named signals, over the last `seconds` of simulated time (uPlot's layout). */
  data(names: readonly string[], seconds: number): number[][] {
    const all = this.buffer.data();
    const time = all[0]!;
    const end = time.at(-1) ?? 0;
    let from = 0;
    while (from < time.length && time[from]! < end - seconds) from++;
    return [time.slice(from), ...names.map((n) => (this.column.has(n) ? all[this.column.get(n)! + 1]!.slice(from) : time.slice(from).map(() => NaN)))];
  }

  /** The named signals over the window as CSV: a header row, then one row per telemetry sample. */
  csv(names: readonly string[], seconds: number): string {
    const columns = this.data(names, seconds);
    const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const rows = [['time', ...names].map(quote).join(',')];
    for (let k = 0; k < columns[0]!.length; k++) rows.push(columns.map((c) => (Number.isFinite(c[k]) ? String(c[k]) : '')).join(','));
    return `${rows.join('\n')}\n`;
  }

  private relayout(layout: SignalLayout): void {
    if (layout.names.join('\n') === this.layout.names.join('\n')) {
      this.layout = layout;
      return;
    }
    this.layout = layout;
    this.buffer = new PlotBuffer(layout.names.length, CAPACITY, RECORD_SECONDS);
    this.index();
    this.version++;
  }

  private index(): void {
    this.column.clear();
    this.layout.names.forEach((n, i) => this.column.set(n, i));
  }
}
