import { movingJoints } from './signals.ts';
import { useEngine, useStore } from './use-engine.ts';

/**
 * Every moving joint, live: position, velocity, the torque its actuator applies, and its limits, with
 * a bar showing where the joint sits in its range (red near a limit). Click a row to inspect the body
 * it carries.
 */
export function JointTable() {
  const store = useStore();
  const { snapshot, telemetry } = useEngine();
  if (!snapshot) return null;
  const joints = movingJoints(snapshot);
  const actuated = new Set(snapshot.scene.actuators.map((a) => a.joint));
  const j = telemetry?.joints;
  if (!joints.length) return <p className="muted pad">This scene has no moving joints.</p>;
  return (
    <div className="joint-table-scroll">
      <table className="joint-table" data-testid="joint-table">
        <thead>
          <tr>
            <th>joint</th>
            <th>type</th>
            <th className="num">position</th>
            <th className="num">velocity</th>
            <th className="num">torque</th>
            <th>limits</th>
            <th className="range-col">in range</th>
          </tr>
        </thead>
        <tbody>
          {joints.map(({ index, name }) => {
            const joint = snapshot.scene.joints[index]!;
            const q = j?.position[index];
            const limits = joint.limits;
            const unit = joint.type === 'prismatic' ? ['m', 'm/s', 'N'] : ['rad', 'rad/s', 'N·m'];
            const fraction = limits && q !== undefined && limits[1] > limits[0] ? (q - limits[0]) / (limits[1] - limits[0]) : undefined;
            const nearLimit = fraction !== undefined && (fraction < 0.03 || fraction > 0.97);
            return (
              <tr key={name} data-testid={`joint-row-${name}`} className={nearLimit ? 'near-limit' : ''} onClick={() => store.select(joint.child)} title={`${name}: click to inspect ${snapshot.scene.bodies[joint.child]?.name ?? 'its body'}`}>
                <td>{name}</td>
                <td className="muted">{joint.type}</td>
                <td className="num" data-testid="joint-position">{fmt(q)} <em>{unit[0]}</em></td>
                <td className="num" data-testid="joint-velocity">{fmt(j?.velocity[index])} <em>{unit[1]}</em></td>
                <td className="num" data-testid="joint-torque">{actuated.has(index) ? fmt(j?.torque[index]) : <span className="muted">passive</span>} {actuated.has(index) && <em>{unit[2]}</em>}</td>
                <td className="muted" data-testid="joint-limits">{limits ? `${limits[0].toFixed(2)} … ${limits[1].toFixed(2)}` : 'none'}</td>
                <td className="range-col">{fraction !== undefined && <span className="range-bar"><span style={{ left: `${Math.min(100, Math.max(0, fraction * 100))}%` }} /></span>}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? '—' : v.toFixed(3);
}
