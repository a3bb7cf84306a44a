import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { PlotBuffer } from './plot-buffer.ts';
import { useEngine, useStore } from './use-engine.ts';

const COLORS = ['#ffd54a', '#6aa9ff', '#ff6b9a', '#5fd38d', '#c792ea', '#ff9e57', '#4dd0e1', '#e0e0e0'];

export function Plots() {
  const store = useStore();
  const { snapshot } = useEngine();
  if (!snapshot) return <div className="plots" />;
  const key = `${snapshot.task.id}:${snapshot.task.actuators.length}`;
  return (
    <div className="plots" data-testid="plots">
      <Plot key={`cost-${key}`} title="Cost" names={['total']} buffer={() => store.cost} />
      <Plot key={`act-${key}`} title="Actions" names={snapshot.task.actuators} buffer={() => store.actions} />
      <Plot key={`ro-${key}`} title="States" names={snapshot.task.readouts} buffer={() => store.readouts} />
    </div>
  );
}

/** One uPlot chart, redrawn from its buffer at most 10 times a second. */
function Plot({ title, names, buffer }: { title: string; names: string[]; buffer: () => PlotBuffer }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current!;
    const plot = new uPlot(
      {
        width: Math.max(200, el.clientWidth),
        height: 150,
        legend: { show: true, live: false },
        cursor: { show: false },
        scales: { x: { time: false } },
        axes: [
          { stroke: '#8b95a3', grid: { stroke: '#242a32' }, ticks: { stroke: '#242a32' } },
          { stroke: '#8b95a3', grid: { stroke: '#242a32' }, ticks: { stroke: '#242a32' }, size: 50 },
        ],
        series: [{ label: 't' }, ...names.map((n, i) => ({ label: n, stroke: COLORS[i % COLORS.length], width: 1.5, points: { show: false } }))],
      },
      buffer().data() as uPlot.AlignedData,
      el,
    );
    const timer = setInterval(() => plot.setData(buffer().data() as uPlot.AlignedData), 100);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(200, el.clientWidth), height: 150 }));
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
