/**
 * The Robot panel's guided calibration, the steps of `actuate robot calibrate`: torque off → "put
 * every joint in the middle" (Set middle writes the homing offsets) → "move every joint through its
 * range" with live min/max bars → Finish saves the calibration into the robot.json. The engine runs
 * the flow (calibrateRobot); this draws its streamed status.
 */
import { useState } from 'react';
import type { CalibrationStatus } from '../../protocol/api.ts';
import { useStore } from './use-engine.ts';

export function CalibrationFlow({ status, onClose }: { status: CalibrationStatus; onClose: () => void }) {
  const store = useStore();
  const [error, setError] = useState('');
  const act = (action: 'middle' | 'finish' | 'cancel') => {
    setError('');
    store.request('calibrateRobot', { action }).then(
      () => action === 'cancel' && onClose(),
      (err: Error) => setError(err.message),
    );
  };
  return (
    <div className="robot-calibration" data-testid="calibration" data-step={status.step}>
      <h3>Calibrating {status.name} <span className="muted">{status.port}</span></h3>
      {status.step === 'middle' && (
        <>
          <p data-testid="calibration-instruction">Torque is off. Move every joint by hand to the middle of its range, then press Set middle.</p>
          <button type="button" data-testid="calibration-middle" onClick={() => act('middle')}>Set middle</button>
        </>
      )}
      {status.step === 'range' && (
        <>
          <p data-testid="calibration-instruction">Homing offsets written. Now move every joint through its whole range, then press Finish.</p>
          {status.joints.map((j) => <RangeBar key={j.name} joint={j} />)}
          <button type="button" data-testid="calibration-finish" onClick={() => act('finish')}>Finish and save</button>
        </>
      )}
      {status.step === 'done' && (
        <>
          <p data-testid="calibration-saved">Saved to {status.saved}</p>
          <table className="robot-joints">
            <thead><tr><th>joint</th><th>offset</th><th>min</th><th>max</th></tr></thead>
            <tbody>
              {Object.entries(status.calibration ?? {}).map(([joint, c]) => (
                <tr key={joint} data-testid={`calibration-result-${joint}`}><td>{joint}</td><td>{c.homingOffset}</td><td>{c.rangeMin}</td><td>{c.rangeMax}</td></tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {status.step === 'failed' && <p className="robot-error" data-testid="calibration-error">{status.error}</p>}
      {error && <p className="robot-error">{error}</p>}
      {status.step === 'middle' || status.step === 'range' ? (
        <button type="button" data-testid="calibration-cancel" onClick={() => act('cancel')}>Cancel (nothing saved)</button>
      ) : (
        <button type="button" data-testid="calibration-close" onClick={onClose}>Close</button>
      )}
    </div>
  );
}

/** One joint's recorded range (ticks, 0 … resolution) as a bar, with a marker where it is now. */
function RangeBar({ joint }: { joint: CalibrationStatus['joints'][number] }) {
  const pct = (ticks: number) => `${(100 * ticks) / joint.resolution}%`;
  const recorded = joint.min !== undefined && joint.max !== undefined;
  return (
    <div className="calibration-joint" data-testid={`calibration-joint-${joint.name}`}>
      <span>{joint.name}</span>
      <div className="calibration-bar">
        {recorded && <div className="calibration-range" style={{ left: pct(joint.min!), width: pct(joint.max! - joint.min!) }} />}
        {joint.now !== undefined && <div className="calibration-now" style={{ left: pct(joint.now) }} />}
      </div>
      <span className="muted" data-testid={`calibration-joint-${joint.name}-range`}>{recorded ? `${joint.min}…${joint.max}` : '–'}</span>
    </div>
  );
}
