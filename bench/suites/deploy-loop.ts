/**
 * deploy-loop: `actuate deploy`'s loop — the engine session ticking a controller (`hold`) on the
 * so101-reach task, its robot the virtual SO-101 (six STS3215 at 1 Mbps, one sync read of the state
 * and one sync write of the goals a tick, BusRobot's safety layer in the send path) — timed by the
 * CLI's fixed-rate loop (cli/control-loop.ts), set up as cli/commands/deploy.ts does it:
 *   deploy-loop-hz          asked for 2000 Hz, the loop's ceiling: the rate achieved
 *   deploy-loop-jitter-ms   at 200 Hz (a typical deploy rate): p99 of |period − 5 ms| (no target in the issue); p50 and overruns in details
 * The wire limit (serial-bus's packet sizes at 1 Mbps) is in details: a pty does not pace bytes like
 * a UART, so a rate above it means the software is not what limits the loop on a real bus.
 */
import { loadavg } from 'node:os';
import { BusRobot } from '../../bridges/bus-robot.ts';
import { MeasuredRobot } from '../../bridges/measured-robot.ts';
import { LoopStats, runAtRate, type LoopSummary } from '../../cli/control-loop.ts';
import { Session } from '../../engine/session.ts';
import { round, type BenchResult, type BenchSuite } from '../result.ts';
import { startVirtualSo101, virtualSo101Config } from '../virtual-so101.ts';
import { wireBytes, wireMsPerTick } from './serial-bus.ts';

const SECONDS = 5;
const CEILING_HZ = 2000;
const PACED_HZ = 200;

/** One deploy run on a fresh virtual bus at `rate` for SECONDS. */
async function deploy(rate: number): Promise<LoopSummary & { mode: string; clamps: number }> {
  const vb = await startVirtualSo101();
  let session: Session | undefined;
  let robot: MeasuredRobot | undefined;
  try {
    const bus = new BusRobot(virtualSo101Config('follower', vb.port), { guardProcess: false });
    const stats = new LoopStats(rate);
    robot = new MeasuredRobot(bus, { read: (ms) => stats.readMs.add(ms), sent: (ms) => stats.sendMs.add(ms) });
    const s = (session = await Session.create({ taskId: 'so101-reach', controllerId: 'hold', seed: 0 }));
    await s.attachRobot(robot);
    await robot.connect();
    // One tick before the clock starts, as deploy does: the controller's lazy start is not loop time.
    await s.tick();
    stats.readMs.clear();
    stats.sendMs.clear();
    await runAtRate(stats, SECONDS, async () => {
      await s.tick();
      return bus.mode === 'active' && !s.status().error;
    });
    if (bus.mode !== 'active') throw new Error(`deploy loop stopped: ${bus.stopReason ?? s.status().error}`);
    const c = bus.counters;
    return { ...stats.summary(), mode: bus.mode, clamps: c.stepClamps + c.positionClamps + c.velocityClamps };
  } finally {
    await session?.dispose();
    await robot?.disconnect();
    await vb.stop();
  }
}

export const deployLoop: BenchSuite = {
  name: 'deploy-loop',
  async run() {
    const bytes = wireBytes('feetech');
    const wireHz = 1000 / wireMsPerTick(bytes.total);
    const ceiling = await deploy(CEILING_HZ);
    const paced = await deploy(PACED_HZ);
    const common = { servos: 6, baud: 1_000_000, task: 'so101-reach', controller: 'hold', seconds: SECONDS, loadAverage1m: round(loadavg()[0]!, 2) };
    const results: BenchResult[] = [
      {
        name: 'deploy-loop-hz',
        value: ceiling.rateHz,
        unit: 'Hz',
        target: '>= 300',
        details: {
          ...common,
          askedHz: CEILING_HZ,
          wire: { ...bytes, limitHz: round(wireHz, 1), achievedOverWire: round(ceiling.rateHz / wireHz) },
          busRttMs: ceiling.busRttMs,
          overruns: ceiling.overruns,
          clamps: ceiling.clamps,
        },
      },
      {
        name: 'deploy-loop-jitter-ms',
        value: paced.jitterMs.p99,
        unit: 'ms',
        details: { ...common, rateHz: paced.rateHz, askedHz: PACED_HZ, jitterMs: paced.jitterMs, overruns: paced.overruns, skipped: paced.skipped, busRttMs: paced.busRttMs, ticks: paced.ticks },
      },
    ];
    return results;
  },
};
