import { describe, expect, it } from 'vitest';
import { axisAngle, writeBody } from '../kinematics.ts';
import type { SceneDescription, Vec3 } from '../scene.ts';
import { freePlayMonitor } from './free-play-monitor.ts';

/** A floating box base with one limited hinge to a leg: enough to exercise every metric. */
const scene: SceneDescription = {
  name: 'probe',
  gravity: [0, 0, -9.81],
  timestep: 0.002,
  solverIterations: 4,
  bodies: [
    { name: 'base', kind: 'dynamic', pose: { position: [0, 0, 0.3], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'box', halfExtents: [0.2, 0.1, 0.05] } }] },
    { name: 'leg', kind: 'dynamic', pose: { position: [0, 0, 0.15], rotation: [0, 0, 0, 1] }, geoms: [{ shape: { type: 'sphere', radius: 0.02 } }] },
  ],
  joints: [{ name: 'knee', type: 'revolute', parent: 0, child: 1, anchorParent: [0, 0, -0.15], anchorChild: [0, 0, 0], axis: [0, 1, 0], limits: [-1, 1] }],
  actuators: [],
  markers: [],
};

function state(base: { p: Vec3; pitch?: number; v?: Vec3; w?: Vec3 }, knee = 0, kneeRate = 0): Float64Array {
  const s = new Float64Array(26);
  const q = axisAngle([0, 1, 0], base.pitch ?? 0);
  writeBody(s, 0, base.p, q, base.v ?? [0, 0, 0], base.w ?? [0, 0, 0]);
  writeBody(s, 1, [base.p[0], base.p[1], base.p[2] - 0.15], axisAngle([0, 1, 0], (base.pitch ?? 0) + knee), base.v ?? [0, 0, 0], [0, kneeRate, 0]);
  return s;
}

const fall = { height: 0.15, tilt: Math.PI / 3 };

describe('free-play monitor', () => {
  it('measures a floating base walking forward: displacement, speed along its heading, heights, tracking error', () => {
    const m = freePlayMonitor({ scene, base: 0, fall, command: [0.5, 0, 0] });
    for (let i = 0; i <= 100; i++) m.record(i * 0.02, state({ p: [0.4 * i * 0.02, 0, 0.3 + 0.01 * Math.sin(i)], v: [0.4, 0, 0] }), []);
    const { success, metrics } = m.result();
    expect(success).toBe(true);
    expect(metrics.dx).toBeCloseTo(0.8, 6);
    expect(metrics.forwardSpeed).toBeCloseTo(0.4, 6);
    expect(metrics.trackingError).toBeCloseTo(0.1, 6);
    expect(metrics.minHeight).toBeLessThan(0.3);
    expect(metrics.maxHeight).toBeGreaterThan(0.3);
    expect(metrics).toMatchObject({ fell: 0, blewUp: 0, limitViolations: 0 });
  });

  it('calls a base below the fall height, or tilted past the fall tilt, a fall', () => {
    const low = freePlayMonitor({ scene, base: 0, fall });
    low.record(0.02, state({ p: [0, 0, 0.3] }), []);
    low.record(0.04, state({ p: [0, 0, 0.1] }), []);
    expect(low.result()).toMatchObject({ success: false, metrics: { fell: 1, fellAt: 0.04 } });
    const tipped = freePlayMonitor({ scene, base: 0, fall });
    tipped.record(0.02, state({ p: [0, 0, 0.3], pitch: 1.2 }), []);
    expect(tipped.result()).toMatchObject({ success: false, metrics: { fell: 1 } });
    expect(tipped.result().metrics.maxTilt).toBeCloseTo(1.2, 6);
    const leaning = freePlayMonitor({ scene, base: 0, fall });
    leaning.record(0.02, state({ p: [0, 0, 0.3], pitch: 0.9 }), []);
    expect(leaning.result().metrics.fell).toBe(0);
  });

  it('detects a blow-up: a NaN, or a body spinning faster than any robot part', () => {
    const nan = freePlayMonitor({ scene, base: 0, fall });
    nan.record(0.02, state({ p: [0, 0, 0.3] }), []);
    const broken = state({ p: [0, 0, 0.3] });
    broken[2] = NaN;
    nan.record(0.04, broken, []);
    expect(nan.result()).toMatchObject({ success: false, metrics: { blewUp: 1, blowUpAt: 0.04 } });
    const spin = freePlayMonitor({ scene, base: 0, fall });
    spin.record(0.02, state({ p: [0, 0, 0.3], w: [0, 0, 400] }), []);
    expect(spin.result()).toMatchObject({ success: false, metrics: { blewUp: 1 } });
    const fast = freePlayMonitor({ scene, base: 0, fall });
    fast.record(0.02, state({ p: [0, 0, 0.3], w: [0, 0, 250] }), []);
    expect(fast.result()).toMatchObject({ success: true, metrics: { blewUp: 0 } });
  });

  it('counts joints pushed past their limits and the fastest joint, for fixed bases too', () => {
    const m = freePlayMonitor({ scene, base: undefined, fall });
    m.record(0.02, state({ p: [0, 0, 0.3] }, 1.01, 3), []);
    expect(m.result().metrics).toMatchObject({ limitViolations: 0, maxJointSpeed: 3 });
    m.record(0.04, state({ p: [0, 0, 0.3] }, 1.2, -7), []);
    const { success, metrics } = m.result();
    expect(metrics.limitViolations).toBe(1);
    expect(metrics.maxLimitViolation).toBeCloseTo(0.2, 6);
    expect(metrics.maxJointSpeed).toBeCloseTo(7, 6);
    expect(metrics.fell).toBeUndefined();
    expect(success).toBe(true);
  });
});
