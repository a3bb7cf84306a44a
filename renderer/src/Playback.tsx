/**
 * Playback of a recording: a timeline (play/pause, scrub, speed) under the viewport, which draws the
 * recorded poses at the cursor, and one plot per recorded signal group (cost and its terms, actions,
 * joint positions) over the whole recording with the cursor marked and its values read out.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { PlaybackData, PlaybackSeries } from '../../protocol/recording.ts';
import { columns, frameAt, indexAt, valuesAt } from './playback-cursor.ts';
import { BottomPanel } from './Plots.tsx';
import { RecordingBar } from './RecordingBar.tsx';
import { useEngine, useStore } from './use-engine.ts';

const COLORS = ['#ffd54a', '#6aa9ff', '#ff6b9a', '#5fd38d', '#c792ea', '#ff9e57', '#4dd0e1', '#e0e0e0'];
const SPEEDS = [0.25, 0.5, 1, 2, 4];
const HEIGHT = 150;

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
        {playback.series.map((s) => (
          <SeriesPlot key={s.group} series={s} t={t} duration={playback.duration} onSeek={(time) => (setPlaying(false), setT(time))} />
        ))}
      </div>
    </div>
  );
}

/** One recorded group over the whole recording; a line marks the cursor, whose values show above. Clicking seeks. */
function SeriesPlot({ series, t, duration, onSeek }: { series: PlaybackSeries; t: number; duration: number; onSeek: (t: number) => void }) {
  const host = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot>(undefined);
  const cursor = useRef(t);
  cursor.current = t;
  const seek = useRef(onSeek);
  seek.current = onSeek;
  const shown = series.names.slice(0, COLORS.length);

  useEffect(() => {
    const el = host.current!;
    const axis = { stroke: '#8b95a3', grid: { stroke: '#242a32', width: 1 }, ticks: { stroke: '#242a32', width: 1 }, font: '11px system-ui, sans-serif' };
    const data = columns({ ...series, names: shown, values: pick(series, shown) }) as uPlot.AlignedData;
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: { x: { time: false, range: [0, Math.max(duration, 1e-3)] } },
        axes: [axis, { ...axis, size: 52 }],
        series: [{ label: 't' }, ...shown.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: i === 0 ? 1.75 : 1.25, points: { show: false } }))],
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
      data,
      el,
    );
    plotRef.current = plot;
    const click = (e: MouseEvent) => {
      const rect = plot.over.getBoundingClientRect();
      seek.current(Math.min(duration, Math.max(0, plot.posToVal(e.clientX - rect.left, 'x'))));
    };
    plot.over.addEventListener('click', click);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      plot.over.removeEventListener('click', click);
      plot.destroy();
    };
  }, [series, duration]);

  useEffect(() => plotRef.current?.redraw(false), [t]);

  const values = valuesAt(series, t);
  const slug = (s: string) => s.replace(/[^A-Za-z0-9]+/g, '-');
  return (
    <div className="plot" data-testid={`playback-plot-${slug(series.group)}`}>
      <div className="plot-head">
        <span className="plot-title">{series.group}</span>
        {series.names.length > shown.length && <span className="muted">first {shown.length} of {series.names.length}</span>}
      </div>
      <div className="plot-chips">
        {shown.map((n, i) => (
          <span key={n} className="chip" style={{ borderColor: COLORS[i % COLORS.length] }}>
            {n} <span data-testid={`playback-value-${slug(series.group)}-${slug(n)}`}>{values[n]?.toFixed(3)}</span>
          </span>
        ))}
      </div>
      <div ref={host} />
    </div>
  );
}

/** The columns of `names` out of a series' rows. */
function pick(series: PlaybackSeries, names: string[]): Float32Array {
  const width = series.names.length;
  const cols = names.map((n) => series.names.indexOf(n));
  const out = new Float32Array(series.times.length * names.length);
  for (let i = 0; i < series.times.length; i++) cols.forEach((c, j) => (out[i * names.length + j] = series.values[i * width + c]!));
  return out;
}
