/**
 * Playback of a recording: a timeline (play/pause, scrub, speed) under the viewport, which draws the
 * recorded poses at the cursor, and plots over the whole recording with the cursor marked and its
 * values read out. They open with cost, actions and joint positions; any numeric field of any
 * recorded topic can be added to a plot (the studio's signal picker), or to a new one.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { PlaybackData, PlaybackPlot } from '../../protocol/recording.ts';
import { frameAt, indexAt, signalColumns, signalValuesAt } from './playback-cursor.ts';
import { BottomPanel, PLOT_AXIS, PLOT_COLORS, PLOT_HEIGHT } from './Plots.tsx';
import { RecordingBar } from './RecordingBar.tsx';
import { SignalPicker } from './SignalPicker.tsx';
import { useEngine, useStore } from './use-engine.ts';

const SPEEDS = [0.25, 0.5, 1, 2, 4];

/** Below the viewport: the record bar and live plots, or a playback's timeline and plots. */
export function StageBottom() {
  const { playback } = useEngine();
  return <div className="stage-bottom">{playback ? <Playback key={playback.file} playback={playback} /> : (<><RecordingBar /><BottomPanel /></>)}</div>;
}

function Playback({ playback }: { playback: PlaybackData }) {
  const store = useStore();
  const [t, setT] = useState(0);
  const [playing, setPlaying] = useState(false);
  const [speed, setSpeed] = useState(1);
  const [plots, setPlots] = useState<PlaybackPlot[]>(playback.plots);
  const groups = useMemo(() => playback.series.map((s): [string, string[]] => [s.group, s.names.map((n) => `${s.group} / ${n}`)]), [playback]);
  const seek = (time: number) => (setPlaying(false), setT(time));

  // The viewport draws the recorded poses at the cursor, and the last plan made by then.
  useEffect(() => {
    const frame = frameAt(playback, t);
    if (frame) store.showFrame(frame);
  }, [store, playback, t]);
  const planTimes = useMemo(() => Float64Array.from(playback.plans, (p) => p.time), [playback]);
  const planIndex = indexAt(planTimes, t);
  const plan = planIndex >= 0 && playback.plans[planIndex]!.time <= t ? playback.plans[planIndex] : undefined;
  useEffect(() => {
    if (plan) store.showPlan(plan);
  }, [store, plan]);

  useEffect(() => {
    if (!playing) return;
    let last = performance.now();
    let raf = requestAnimationFrame(function tick(now) {
      const dt = ((now - last) / 1000) * speed;
      last = now;
      setT((prev) => {
        const next = prev + dt;
        if (next >= playback.duration) setPlaying(false);
        return Math.min(next, playback.duration);
      });
      raf = requestAnimationFrame(tick);
    });
    return () => cancelAnimationFrame(raf);
  }, [playing, speed, playback]);

  const name = playback.file.split(/[\\/]/).pop();
  return (
    <div className="playback" data-testid="playback">
      <div className="playback-bar">
        <button
          data-testid="playback-play"
          className={playing ? 'active' : ''}
          onClick={() => {
            if (!playing && t >= playback.duration) setT(0);
            setPlaying(!playing);
          }}
        >
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <input
          data-testid="playback-slider"
          className="playback-slider"
          type="range"
          min={0}
          max={playback.duration}
          step={0.001}
          value={t}
          onChange={(e) => {
            setPlaying(false);
            setT(Number(e.target.value));
          }}
        />
        <span className="time" data-testid="playback-time">
          t = {t.toFixed(2)} / {playback.duration.toFixed(2)} s
        </span>
        <select data-testid="playback-speed" value={speed} onChange={(e) => setSpeed(Number(e.target.value))} title="Playback speed">
          {SPEEDS.map((s) => (
            <option key={s} value={s}>
              {s}×
            </option>
          ))}
        </select>
        <span className="muted playback-file" title={playback.file} data-testid="playback-file">
          {name}
          {playback.task ? ` · ${playback.task}` : ''}
          {playback.controller ? ` · ${playback.controller}` : ''}
        </span>
        <button data-testid="playback-close" title="Back to the live session" onClick={() => store.setPlayback(undefined)}>
          ✕ Live
        </button>
      </div>
      <div className="plots" data-testid="playback-plots">
        {plots.map((p, i) => (
          <SignalsPlot
            key={i}
            plot={p}
            playback={playback}
            groups={groups}
            t={t}
            onSeek={seek}
            onChange={(signals) => setPlots(plots.map((q, k) => (k === i ? { ...q, signals } : q)))}
          />
        ))}
        <button data-testid="playback-add-plot" className="add-plot" title="Another plot of recorded signals" onClick={() => setPlots([...plots, { title: `Plot ${plots.length + 1}`, signals: [] }])}>
          + plot
        </button>
      </div>
    </div>
  );
}

/** Recorded signals over the whole recording; a line marks the cursor, whose values show in the chips. Clicking seeks. */
function SignalsPlot(props: { plot: PlaybackPlot; playback: PlaybackData; groups: [string, string[]][]; t: number; onSeek: (t: number) => void; onChange: (signals: string[]) => void }) {
  const { plot, playback, groups, t, onChange } = props;
  const { signals } = plot;
  const host = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot>(undefined);
  const cursor = useRef(t);
  cursor.current = t;
  const seek = useRef(props.onSeek);
  seek.current = props.onSeek;
  const label = useMemo(() => shortLabels(signals), [signals]);
  const duration = playback.duration;

  useEffect(() => {
    const el = host.current!;
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: PLOT_HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [0, Math.max(duration, 1e-3)] } },
        axes: [PLOT_AXIS, { ...PLOT_AXIS, size: 52 }],
        series: [{ label: 't' }, ...signals.map((n, i) => ({ label: label(n), stroke: PLOT_COLORS[i % PLOT_COLORS.length], width: i === 0 ? 1.75 : 1.25, spanGaps: true, points: { show: false } }))],
        hooks: {
          draw: [
            (u) => {
              const x = u.valToPos(cursor.current, 'x', true);
              const ctx = u.ctx;
              ctx.save();
              ctx.strokeStyle = '#ffffff';
              ctx.lineWidth = 1;
              ctx.beginPath();
              ctx.moveTo(x, u.bbox.top);
              ctx.lineTo(x, u.bbox.top + u.bbox.height);
              ctx.stroke();
              ctx.restore();
            },
          ],
        },
      },
      signalColumns(playback.series, signals) as uPlot.AlignedData,
      el,
    );
    plotRef.current = plot;
    const click = (e: MouseEvent) => {
      const rect = plot.over.getBoundingClientRect();
      seek.current(Math.min(duration, Math.max(0, plot.posToVal(e.clientX - rect.left, 'x'))));
    };
    plot.over.addEventListener('click', click);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: PLOT_HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.over.removeEventListener('click', click);
      plot.destroy();
    };
  }, [playback, signals.join('|')]);

  useEffect(() => plotRef.current?.redraw(false), [t]);

  const values = signalValuesAt(playback.series, signals, t);
  const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '-');
  return (
    <div className="plot" data-testid={`playback-plot-${slug(plot.title)}`}>
      <div className="plot-head">
        <span className="plot-title">{plot.title}</span>
        <SignalPicker testId={`playback-plot-${slug(plot.title)}-add`} groups={groups} plotted={signals} onPick={(n) => onChange([...signals, n])} />
      </div>
      <div className="plot-chips">
        {signals.map((n, i) => (
          <button key={n} className="chip" style={{ borderColor: PLOT_COLORS[i % PLOT_COLORS.length] }} title={`${n} (click to remove)`} onClick={() => onChange(signals.filter((x) => x !== n))}>
            {label(n)} <span data-testid={`playback-value-${slug(plot.title)}-${slug(label(n))}`}>{values[n]?.toFixed(3)}</span> ×
          </button>
        ))}
      </div>
      <div ref={host} />
    </div>
  );
}

/**
 * Chip labels as short as the plot allows: one topic → its name left out; every field under one
 * parent → that left out too (`/joint_states / position.elbow` → `elbow`).
 */
function shortLabels(signals: readonly string[]): (signal: string) => string {
  const topic = (n: string) => n.slice(0, n.indexOf(' / '));
  if (signals.length === 0 || !signals.every((n) => topic(n) === topic(signals[0]!))) return (n) => n;
  const field = (n: string) => n.slice(topic(n).length + 3);
  const parent = (n: string) => (field(n).includes('.') ? field(n).slice(0, field(n).indexOf('.')) : undefined);
  const shared = parent(signals[0]!);
  if (shared !== undefined && signals.every((n) => parent(n) === shared)) return (n) => field(n).slice(shared.length + 1);
  return field;
}
