import { fixed } from './format.ts';
import { useEngine } from './use-engine.ts';

/** The episode so far, live: the task's own success verdict, the return, and its success metrics. */
export function EpisodeBadge() {
  const { telemetry } = useEngine();
  const episode = telemetry?.episode;
  if (!episode) return null;
  return (
    <div className={`episode-badge ${episode.success ? 'success' : 'pending'}`} data-testid="episode-badge" title="The task's success test and metrics over the episode so far (they settle by its end)">
      <div className="episode-head">
        <b data-testid="episode-success">{episode.success ? '✓ success' : '✗ not (yet) a success'}</b>
        <span>
          return <b data-testid="episode-return">{fixed(episode.return, 2)}</b>
        </span>
      </div>
      <dl className="episode-metrics">
        {Object.entries(episode.metrics).map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd data-testid={`metric-${name}`}>{formatMetric(value)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Metrics with no samples yet are not finite (null over JSON). */
function formatMetric(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
}
