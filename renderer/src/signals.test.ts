import { describe, expect, it } from 'vitest';
import type { SessionSnapshot, TelemetryEvent } from '../../protocol/api.ts';
import { SignalRecorder, signalLayout } from './signals.ts';

const snapshot = {
  task: { id: 't', costTerms: [{ name: 'upright' }], actuators: ['force'], readouts: ['angle'] },
  scene: { joints: [{ name: 'slider', type: 'prismatic' }, { name: 'weld', type: 'fixed' }, { name: 'hinge', type: 'revolute' }] },
} as unknown as SessionSnapshot;

function telemetry(time: number, extra: Partial<TelemetryEvent> = {}): TelemetryEvent {
  return {
    time,
    cost: 2 * time,
    costTerms: [time],
    action: [-time],
    readouts: [10 + time],
    timing: { physicsStepUs: 5, planMs: 1, planP99Ms: 2, replanHz: 50, realtimeFactor: 1 },
    joints: { position: [time, 0, 3 * time], velocity: [1, 0, 2], torque: [0, 0, 4] },
    episode: { return: -time, success: false, metrics: { trackingError: 0.5 } },
    ...extra,
  };
}

describe('signals', () => {
  it('names every streamed value by group, moving joints only', () => {
    const layout = signalLayout(snapshot, ['trackingError']);
    expect(layout.groups.get('joint torque')).toEqual(['joint torque / slider', 'joint torque / hinge']);
    expect(layout.groups.get('episode')).toEqual(['episode / return', 'episode / trackingError']);
    expect(layout.names[0]).toBe('cost / total');
  });

  it('records them, gives any of them over a window, and exports CSV', () => {
    const recorder = new SignalRecorder(snapshot);
    for (let k = 0; k <= 20; k++) recorder.push(telemetry(k * 0.5));
    const [time, hinge, metric] = recorder.data(['joint position / hinge', 'episode / trackingError'], 2);
    expect(time).toEqual([8, 8.5, 9, 9.5, 10]);
    expect(hinge).toEqual([24, 25.5, 27, 28.5, 30]);
    expect(metric).toEqual([0.5, 0.5, 0.5, 0.5, 0.5]);
    expect(recorder.csv(['cost / total', 'action / force'], 0.5)).toBe('time,cost / total,action / force\n9.5,19,-9.5\n10,20,-10\n');
  });

  it('starts over on reset (time going back) and on clear', () => {
    const recorder = new SignalRecorder(snapshot);
    recorder.push(telemetry(1));
    recorder.push(telemetry(2));
    recorder.push(telemetry(0));
    expect(recorder.data(['cost / total'], 60)[0]).toEqual([0]);
    recorder.clear();
    expect(recorder.data(['cost / total'], 60)[0]).toEqual([]);
  });
});
