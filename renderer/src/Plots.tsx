import { useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { SessionSnapshot } from '../../protocol/api.ts';
import { JointTable } from './JointTable.tsx';
import { TrainingPanel } from './TrainingPanel.tsx';
import { SignalPicker } from './SignalPicker.tsx';
import { RECORD_SECONDS, signalLayout } from './signals.ts';
import { useEngine, useStore } from './use-engine.ts';

export const PLOT_COLORS = ['#ffd54a', '#6aa9ff', '#ff6b9a', '#5fd38d', '#c792ea', '#ff9e57', '#4dd0e1', '#e0e0e0'];
export const PLOT_HEIGHT = 150;
export const PLOT_AXIS = { stroke: '#8b95a3', grid: { stroke: '#242a32', width: 1 }, ticks: { stroke: '#242a32', width: 1 }, font: '11px system-ui, sans-serif' };
const WINDOWS = [5, 10, 30, RECORD_SECONDS];

/** Below the viewport: the plots, or the joint table. */
export function BottomPanel() {
  const [tab, setTab] = useState<'plots' | 'joints' | 'training'>('plots');
  return (
    <div className="bottom-panel">
      <div className="tabs" role="tablist">
        <button role="tab" data-testid="tab-plots" className={tab === 'plots' ? 'active' : ''} onClick={() => setTab('plots')}>
          Plots
        </button>
        <button role="tab" data-testid="tab-joints" className={tab === 'joints' ? 'active' : ''} onClick={() => setTab('joints')}>
          Joints
        </button>
        <button role="tab" data-testid="tab-training" className={tab === 'training' ? 'active' : ''} onClick={() => setTab('training')}>
          Training
        </button>
      </div>
      {tab === 'plots' ? <Plots /> : tab === 'joints' ? <JointTable /> : <TrainingPanel />}
    </div>
  );
}

/** The signals each plot starts with for a task: cost and its terms, the actions, the task's readouts. */
function defaultPicks(snapshot: SessionSnapshot): string[][] {
  const groups = signalLayout(snapshot).groups;
  return ['cost', 'action', 'state'].map((g) => groups.get(g) ?? []);
}

/** Three plots of signals the user picks from everything the engine streams, over a chosen window. */
export function Plots() {
  const { snapshot } = useEngine();
  const [windowS, setWindowS] = useState(10);
  const [picks, setPicks] = useState<{ task: string; names: string[][] }>();
  if (!snapshot) return <div className="plots" />;
  const names = picks?.task === snapshot.task.id ? picks.names : defaultPicks(snapshot);
  const setNames = (i: number, next: string[]) => setPicks({ task: snapshot.task.id, names: names.map((n, k) => (k === i ? next : n)) });
  return (
    <div className="plots-panel">
      <div className="plots-bar">
        <label className="seed">
          window
          <select data-testid="plot-window" value={windowS} onChange={(e) => setWindowS(Number(e.target.value))}>
            {WINDOWS.map((w) => (
              <option key={w} value={w}>
                {w} s
              </option>
            ))}
          </select>
        </label>
        <span className="muted">simulated time · pick signals with “+”, remove with ×</span>
      </div>
      <div className="plots" data-testid="plots">
        {names.map((n, i) => (
          <Plot key={`${snapshot.task.id}-${i}`} index={i} taskId={snapshot.task.id} names={n} windowS={windowS} onChange={(next) => setNames(i, next)} />
        ))}
      </div>
    </div>
  );
}

function Plot({ index, taskId, names, windowS, onChange }: { index: number; taskId: string; names: string[]; windowS: number; onChange: (names: string[]) => void }) {
  const store = useStore();
  useEngine(); // metrics join the signal list with the first telemetry
  const layout = store.signals?.layout;
  const host = useRef<HTMLDivElement>(null);
  const windowRef = useRef(windowS);
  windowRef.current = windowS;
  const groupOf = (n: string) => n.split(' / ')[0]!;
  const oneGroup = names.length > 0 && names.every((n) => groupOf(n) === groupOf(names[0]!));
  const title = names.length === 0 ? `Plot ${index + 1}` : oneGroup ? groupOf(names[0]!) : names.length === 1 ? names[0]! : `Plot ${index + 1}`;
  const label = (n: string) => (oneGroup ? n.slice(groupOf(n).length + 3) : n);

  useEffect(() => {
    const el = host.current!;
    const emphasizeFirst = names[0] === 'cost / total';
    const data = () => (store.signals?.data(names, windowRef.current) ?? [[], ...names.map(() => [])]) as uPlot.AlignedData;
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: PLOT_HEIGHT,
        legend: { show: false },
        cursor: { show: false },
        scales: {
          // A sliding window: the trace grows from the left edge, then scrolls.
          x: { time: false, range: (_u, _min, max) => [Math.max(0, max - windowRef.current), Math.max(max, windowRef.current)] },
        },
        axes: [PLOT_AXIS, { ...PLOT_AXIS, size: 52 }],
        series: [
          { label: 't' },
          ...names.map((n, i) => ({
            label: label(n),
            stroke: PLOT_COLORS[i % PLOT_COLORS.length],
            width: emphasizeFirst && i === 0 ? 2 : 1.25,
            ...(emphasizeFirst && i > 0 ? { dash: [4, 3] } : {}),
            points: { show: false },
          })),
        ],
      },
      data(),
      el,
    );
    const timer = setInterval(() => plot.setData(data()), 100);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: PLOT_HEIGHT }));
    resize.observe(el);
    return () => {
      clearInterval(timer);
      resize.disconnect();
      plot.destroy();
    };
  }, [store, names.join('|')]);

  const exportCsv = () => {
    const csv = store.signals?.csv(names, windowS);
    if (!csv) return;
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    a.download = `${taskId}-plot${index + 1}.csv`;
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 1000);
  };

  return (
    <div className="plot" data-testid={`plot-${index}`}>
      <div className="plot-head">
        <span className="plot-title">{title}</span>
        <SignalPicker testId={`plot-${index}-add`} groups={layout?.groups ?? []} plotted={names} onPick={(n) => onChange([...names, n])} />
        <button data-testid={`plot-${index}-csv`} title={`Save the plotted signals over the last ${windowS} s as CSV`} disabled={!names.length} onClick={exportCsv}>
          CSV
        </button>
      </div>
      <div className="plot-chips">
        {names.map((n, i) => (
          <button key={n} className="chip" style={{ borderColor: PLOT_COLORS[i % PLOT_COLORS.length] }} data-testid={`plot-${index}-remove-${n}`} title={`Remove ${n}`} onClick={() => onChange(names.filter((x) => x !== n))}>
            {label(n)} ×
          </button>
        ))}
      </div>
      <div ref={host} />
    </div>
  );
}
