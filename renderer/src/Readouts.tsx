import { slug } from './ParamPanel.tsx';
import { useEngine } from './use-engine.ts';

/** The task's key states and the timing, as numbers over the viewport. */
export function Readouts() {
  const { snapshot, telemetry } = useEngine();
  if (!snapshot) return null;
  const t = telemetry?.timing;
  return (
    <div className="overlay bottom-left readouts">
      {snapshot.task.readouts.map((name, i) => (
        <div key={name}>
          <span className="muted">{name}</span> <b data-testid={`readout-${slug(name)}`}>{telemetry?.readouts[i]?.toFixed(3) ?? '—'}</b>
        </div>
      ))}
      <div>
        <span className="muted">cost</span> <b data-testid="readout-cost">{telemetry?.cost.toFixed(3) ?? '—'}</b>
      </div>
      <div className="timing" data-testid="timing">
        physics {t ? t.physicsStepUs.toFixed(1) : '—'} µs · plan {t ? t.planMs.toFixed(1) : '—'} ms (p99 {t ? t.planP99Ms.toFixed(1) : '—'}) · {t ? t.replanHz.toFixed(0) : '—'} plans/s · {t ? t.realtimeFactor.toFixed(2) : '—'}× real time
      </div>
    </div>
  );
}
