import { fixed } from './format.ts';
import { slug } from './ParamPanel.tsx';
import { useEngine } from './use-engine.ts';

/** The task's key states and the timing, as numbers over the viewport. */
export function Readouts() {
  const { snapshot, telemetry } = useEngine();
  if (!snapshot) return null;
  const t = telemetry?.timing;
  // A planner's timing is per plan; any other controller's per control step (none for `zero`).
  const plans = snapshot.controller.plans ?? false;
  const acted = t !== undefined && (t.planMs > 0 || t.replanHz > 0);
  return (
    <div className="overlay bottom-left readouts">
      {snapshot.task.readouts.map((name, i) => (
        <div key={name}>
          <span className="muted">{name}</span> <b data-testid={`readout-${slug(name)}`}>{fixed(telemetry?.readouts[i], 3)}</b>
        </div>
      ))}
      <div>
        <span className="muted">cost</span> <b data-testid="readout-cost">{fixed(telemetry?.cost, 3)}</b>
      </div>
      <div className="timing" data-testid="timing">
        physics {t ? t.physicsStepUs.toFixed(1) : '—'} µs · {plans ? 'plan' : 'act'} {acted ? `${t.planMs.toFixed(plans ? 1 : 2)} ms (p99 ${t.planP99Ms.toFixed(plans ? 1 : 2)})` : '—'} · {acted ? t.replanHz.toFixed(0) : '—'} {plans ? 'plans/s' : 'steps/s'}{plans && t?.controlHz ? ` · control ${t.controlHz.toFixed(0)} Hz` : ''} · {t ? t.realtimeFactor.toFixed(2) : '—'}× real time
      </div>
    </div>
  );
}
