/**
 * teleop-loop: leader–follower teleoperation (bridges/teleop/leader-follower.ts, as `actuate teleop`
 * runs it) between two virtual SO-101s, each on its own pty at 1 Mbps: a tick reads both arms at once
 * (two sync reads) and sends the leader's positions to the follower (one sync write, through its
 * safety layer), timed by the CLI's fixed-rate loop:
 *   teleop-loop-hz          asked for 2000 Hz, the loop's ceiling: the rate achieved
 *   teleop-latency-ms       p50 of one tick at 200 Hz: from asking for the leader's position to the
 *                           follower's goal written on its bus (p99 and the period jitter in details)
 * The wire limit is the follower bus's (sync read + replies + sync write at 1 Mbps, serial-bus's sizes).
 */
import { loadavg } from 'node:os';
import { BusRobot } from '../../bridges/bus-robot.ts';
import { MeasuredRobot } from '../../bridges/measured-robot.ts';
import { LeaderFollower } from '../../bridges/teleop/leader-follower.ts';
import { LoopStats, runAtRate, type LoopSummary } from '../../cli/control-loop.ts';
import { RollingStats } from '../../engine/timing-stats.ts';
import { round, type BenchSuite } from '../result.ts';
import { startVirtualSo101, virtualSo101Config } from '../virtual-so101.ts';
import { wireBytes, wireMsPerTick } from './serial-bus.ts';

const SECONDS = 5;
const CEILING_HZ = 2000;
const PACED_HZ = 200;

async function teleop(rate: number): Promise<LoopSummary & { latencyMs: { p50: number; p99: number }; gapRadP99: number }> {
  const [leaderBus, followerBus] = await Promise.all([startVirtualSo101(), startVirtualSo101()]);
  const robots: BusRobot[] = [];
  try {
    const leader = new BusRobot(virtualSo101Config('leader', leaderBus.port), { guardProcess: false });
    const follower = new BusRobot(virtualSo101Config('follower', followerBus.port), { guardProcess: false });
    robots.push(follower, leader);
    const stats = new LoopStats(rate);
    const timed = (r: BusRobot) => new MeasuredRobot(r, { read: (ms) => stats.readMs.add(ms), sent: (ms) => stats.sendMs.add(ms) });
    const latency = new RollingStats(1 << 16);
    const gap = new RollingStats(1 << 16);
    await leader.connect();
    await follower.connect();
    const pair = new LeaderFollower(timed(leader), timed(follower));
    await runAtRate(stats, SECONDS, async () => {
      const start = performance.now();
      const tick = await pair.step();
      latency.add(performance.now() - start);
      gap.add(tick.gap);
      return follower.mode === 'active';
    });
    if (follower.mode !== 'active') throw new Error(`teleop loop stopped: ${follower.stopReason}`);
    return { ...stats.summary(), latencyMs: { p50: round(latency.percentile(50)), p99: round(latency.percentile(99)) }, gapRadP99: round(gap.percentile(99), 4) };
  } finally {
    for (const r of robots) await r.disconnect();
    await Promise.all([leaderBus.stop(), followerBus.stop()]);
  }
}

export const teleopLoop: BenchSuite = {
  name: 'teleop-loop',
  async run() {
    const bytes = wireBytes('feetech');
    const wireHz = 1000 / wireMsPerTick(bytes.total);
    const ceiling = await teleop(CEILING_HZ);
    const paced = await teleop(PACED_HZ);
    const common = { servos: '6 + 6', baud: 1_000_000, seconds: SECONDS, loadAverage1m: round(loadavg()[0]!, 2) };
    return [
      {
        name: 'teleop-loop-hz',
        value: ceiling.rateHz,
        unit: 'Hz',
        target: '>= 300',
        details: { ...common, askedHz: CEILING_HZ, latencyMs: ceiling.latencyMs, busRttMs: ceiling.busRttMs, wire: { followerBytesPerTick: bytes.total, limitHz: round(wireHz, 1), achievedOverWire: round(ceiling.rateHz / wireHz) } },
      },
      {
        name: 'teleop-latency-ms',
        value: paced.latencyMs.p50,
        unit: 'ms',
        details: { ...common, askedHz: PACED_HZ, rateHz: paced.rateHz, latencyMs: paced.latencyMs, jitterMs: paced.jitterMs, overruns: paced.overruns, leaderFollowerGapRadP99: paced.gapRadP99 },
      },
    ];
  },
};
