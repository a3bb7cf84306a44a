/**
 * The robot_lab Go2-W policy (assets/policies/go2w_robot_lab, card models/cards/go2w_robot_lab.card.json)
 * driving the simulated Go2-W through `onnx-policy`: it stands, drives forward and backward, and turns
 * as commanded. Each check fails if the observation layout, joint mapping, action scaling or actuator
 * setup is wrong: the policy then falls or drives off somewhere else (measured while writing this).
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../../engine/session.ts';
import { bodyPosition, bodyRotation } from '../../sim/kinematics.ts';

async function drive(command: { vx?: number; vy?: number; yawRate?: number }, seconds: number) {
  const session = await Session.create({ taskId: 'go2w-walk', controllerId: 'onnx-policy', seed: 3, taskParams: command });
  try {
    await session.runFor(seconds);
    const state = session.currentState();
    const [x, y, z] = bodyPosition(state, 0);
    const q = bodyRotation(state, 0);
    const yaw = Math.atan2(2 * (q[3] * q[2] + q[0] * q[1]), 1 - 2 * (q[1] * q[1] + q[2] * q[2]));
    return { x, y, z, yaw, error: session.snapshot().error, result: session.result(), info: session.controllerInfo() };
  } finally {
    await session.dispose();
  }
}

describe('onnx-policy: robot_lab Go2-W policy on the simulated Go2-W', () => {
  it('stands still at zero command', async () => {
    const r = await drive({}, 5);
    expect(r.error).toBeUndefined();
    expect(r.z).toBeGreaterThan(0.37);
    expect(Math.hypot(r.x, r.y)).toBeLessThan(0.25);
    expect(r.result.metrics.fell).toBe(0);
    expect(r.info).toMatchObject({ model: 'policy.onnx', provider: expect.stringMatching(/cpu/) });
  });

  it('drives forward and backward at the commanded speed', async () => {
    // 0.5 m/s for 5 s, less the start: about 2.3 m (measured); the task's tracking metric under 0.1 m/s.
    const forward = await drive({ vx: 0.5 }, 5);
    expect(forward.x).toBeGreaterThan(2.0);
    expect(Math.abs(forward.y)).toBeLessThan(0.2);
    expect(forward.z).toBeGreaterThan(0.33);
    expect(forward.result.metrics.trackingError).toBeLessThan(0.1);
    const backward = await drive({ vx: -0.5 }, 5);
    expect(backward.x).toBeLessThan(-2.0);
  });

  it('turns at the commanded yaw rate', async () => {
    const r = await drive({ yawRate: 0.5 }, 4);
    expect(r.yaw).toBeGreaterThan(1.0);
    expect(r.z).toBeGreaterThan(0.3);
  });

  it('drives forward when played live, the policy in the studio loop', async () => {
    const session = await Session.create({ taskId: 'go2w-walk', controllerId: 'onnx-policy', seed: 3, taskParams: { vx: 0.5 } });
    try {
      session.play();
      const wall0 = performance.now();
      while (session.simTime < 5 && performance.now() - wall0 < 60_000) await new Promise((r) => setTimeout(r, 50));
      session.pause();
      await session.step(0);
      const [x, y, z] = bodyPosition(session.currentState(), 0);
      expect(session.snapshot().error).toBeUndefined();
      // As in lock-step: each tick waits a bounded moment for the policy's answer to its own state.
      expect(x).toBeGreaterThan(2.0);
      expect(Math.abs(y)).toBeLessThan(0.3);
      expect(z).toBeGreaterThan(0.33);
      expect(session.result().metrics.trackingError).toBeLessThan(0.1);
    } finally {
      await session.dispose();
    }
  });
});
