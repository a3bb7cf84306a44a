import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { PlotBuffer } from './plot-buffer.ts';
import { useEngine, useStore } from './use-engine.ts';

const COLORS = ['#ffd54a', '#6aa9ff', '#ff6b9a', '#5fd38d', '#c792ea', '#ff9e57', '#4dd0e1', '#e0e0e0'];
const WINDOW_S = 10;
const HEIGHT = 150;

export function Plots() {
  const store = useStore();
  const { snapshot } = useEngine();
  if (!snapshot) return <div className="plots" />;
  const { task } = snapshot;
  return (
    <div className="plots" data-testid="plots">
      <Plot key={`cost-${task.id}`} title="Cost" names={['total', ...task.costTerms.map((t) => t.name)]} buffer={() => store.cost} emphasizeFirst />
      <Plot key={`act-${task.id}`} title="Actions" names={task.actuators} buffer={() => store.actions} />
      <Plot key={`ro-${task.id}`} title="States" names={task.readouts} buffer={() => store.readouts} />
    </div>
  );
}

/** One uPlot chart of the last 10 s of simulated time, redrawn from its buffer at most 10 times a second. */
function Plot({ title, names, buffer, emphasizeFirst = false }: { title: string; names: string[]; buffer: () => PlotBuffer; emphasizeFirst?: boolean }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current!;
    const axis = { stroke: '#8b95a3', grid: { stroke: '#242a32', width: 1 }, ticks: { stroke: '#242a32', width: 1 }, font: '11px system-ui, sans-serif' };
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: HEIGHT,
        legend: { show: true, live: false },
        cursor: { show: false },
        scales: {
          // A sliding window: the trace grows from the left edge, then scrolls.
          x: { time: false, range: (_u, _min, max) => [Math.max(0, max - WINDOW_S), Math.max(max, WINDOW_S)] },
        },
        axes: [axis, { ...axis, size: 52 }],
        series: [
          { label: 't' },
          ...names.map((n, i) => ({
            label: n,
            stroke: COLORS[i % COLORS.length],
            width: emphasizeFirst && i === 0 ? 2 : 1.25,
            ...(emphasizeFirst && i > 0 ? { dash: [4, 3] } : {}),
            points: { show: false },
          })),
        ],
      },
      buffer().data() as uPlot.AlignedData,
      el,
    );
    const timer = setInterval(() => plot.setData(buffer().data() as uPlot.AlignedData), 100);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: HEIGHT }));
    resize.observe(el);
    return () => {
      clearInterval(timer);
      resize.disconnect();
      plot.destroy();
    };
  }, [names.join('|')]);
  return (
    <div className="plot">
      <div className="plot-title">{title}</div>
      <div ref={host} />
    </div>
  );
}
