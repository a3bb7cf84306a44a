/**
 * live-planning: cart-pole MPPI played in real time, as the studio plays it — the planner runs in its
 * own loop and the control loop applies the latest plan at the task's rate, never waiting for one.
 * Reports plans per wall second, the control rate the robot was commanded at (target: the task's
 * 50 Hz), the longest wall gap between control steps, and whether the pole was swung up and held.
 */
import { Session } from '../../engine/session.ts';
import { round, type BenchSuite } from '../result.ts';

const EPISODE_SECONDS = 10;
/** Wall-time budget: a machine too loaded to keep real time still ends the run. */
const WALL_LIMIT_MS = 30_000;

export const livePlanning: BenchSuite = {
  name: 'live-planning',
  async run() {
    const session = await Session.create({ taskId: 'cartpole-swingup', controllerId: 'mppi', seed: 0 });
    try {
      const rate = 1 / session.task.timing.controlDt;
      let lastStepWall = 0;
      let maxGapMs = 0;
      let steps = 0;
      session.on('telemetry', () => {}); // the studio listens: telemetry is built as it would be
      const wall0 = performance.now();
      session.play();
      while (session.simTime < EPISODE_SECONDS && performance.now() - wall0 < WALL_LIMIT_MS) {
        await new Promise((r) => setTimeout(r, 1));
        if (session.controlSteps !== steps) {
          const now = performance.now();
          if (lastStepWall) maxGapMs = Math.max(maxGapMs, now - lastStepWall);
          lastStepWall = now;
          steps = session.controlSteps;
        }
      }
      session.pause();
      const wallSeconds = (performance.now() - wall0) / 1000;
      const { success, metrics } = session.result();
      const timing = { planMs: round(session.planMs.mean()), planP99Ms: round(session.planMs.percentile(99)) };
      const details = { rolloutEngine: session.snapshot().controller.values.engine, simSeconds: round(session.simTime), wallSeconds: round(wallSeconds), success, ...metrics, ...timing };
      return [
        { name: 'live-mppi-cartpole-plans-per-s', value: round(session.planMs.count / wallSeconds, 1), unit: 'Hz', details },
        { name: 'live-cartpole-control-hz', value: round(session.controlSteps / wallSeconds, 1), unit: 'Hz', target: `>= ${round(0.95 * rate, 1)}`, details: { taskRateHz: rate, maxGapMs: round(maxGapMs, 1) } },
      ];
    } finally {
      await session.dispose();
    }
  },
};
