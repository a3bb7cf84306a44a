/**
 * `actuate teleop --robot follower.json --leader leader.json [--port P] [--leader-port P] [--rate Hz]
 * [--seconds S] [--json]`: leader–follower teleoperation at a fixed rate — the leader's torque stays
 * off, its calibrated joint positions drive the follower through the follower's safety layer — with
 * the loop statistics of `deploy` (rate, jitter, overruns, bus round trips, clamps). Ctrl-C (or the
 * end of --seconds) turns the follower's torque off.
 */
import { parseArgs } from 'node:util';
import { BusRobot } from '../../bridges/bus-robot.ts';
import { MeasuredRobot } from '../../bridges/measured-robot.ts';
import { loadRobotConfig } from '../../bridges/robot-config.ts';
import { LeaderFollower } from '../../bridges/teleop/leader-follower.ts';
import { RollingStats } from '../../engine/timing-stats.ts';
import { LoopStats, loopOptions, runAtRate, type LoopSummary } from '../control-loop.ts';
import { UsageError } from '../usage-error.ts';

export async function teleopCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      robot: { type: 'string' },
      leader: { type: 'string' },
      port: { type: 'string' },
      'leader-port': { type: 'string' },
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '3600' },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.robot) throw new UsageError('teleop needs --robot follower.json');
  if (!values.leader) throw new UsageError('teleop needs --leader leader.json (keyboard and gamepad jogging are in the studio\'s Robot panel)');
  const { rate, seconds } = loopOptions(values.rate, values.seconds, (m) => new UsageError(m));
  const followerConfig = loadRobotConfig(values.robot);
  const leaderConfig = loadRobotConfig(values.leader);
  if (leaderConfig.role !== 'leader') throw new UsageError(`${values.leader}: role is '${leaderConfig.role}'; a leader arm's config says "role": "leader" (its torque is never enabled)`);
  if (followerConfig.role !== 'follower') throw new UsageError(`${values.robot}: role is '${followerConfig.role}'; --robot takes the follower`);
  const stats = new LoopStats(rate);
  const leaderBus = new BusRobot(leaderConfig, values['leader-port'] ? { port: values['leader-port'] } : {});
  const followerBus = new BusRobot(followerConfig, values.port ? { port: values.port } : {});
  const timed = (r: BusRobot) => new MeasuredRobot(r, { read: (ms) => stats.readMs.add(ms), sent: (ms) => stats.sendMs.add(ms) });
  const teleop = new LeaderFollower(timed(leaderBus), timed(followerBus));
  const gap = new RollingStats(8192);
  let clampedCommands = 0;
  let commands = 0;
  let faults: string[] = [];
  let code = 0;
  await leaderBus.connect();
  try {
    await followerBus.connect();
    await runAtRate(stats, seconds, async () => {
      const tick = await teleop.step();
      commands++;
      if (tick.sent.clamped) clampedCommands++;
      gap.add(tick.gap);
      faults = [...tick.leader.faults.map((f) => `leader: ${f.message}`), ...tick.follower.faults.map((f) => `follower: ${f.message}`)];
      return followerBus.mode === 'active' || followerBus.mode === 'holding';
    });
  } finally {
    const r = (x: number) => Math.round(x * 1e4) / 1e4;
    const summary = {
      leader: leaderConfig.name,
      follower: followerConfig.name,
      ...stats.summary(),
      commands,
      clampedCommands,
      gapRad: { p50: r(gap.percentile(50)), p99: r(gap.percentile(99)) },
      safety: { ...followerBus.counters },
      mode: followerBus.mode,
      ...(followerBus.stopReason ? { stopReason: followerBus.stopReason } : {}),
      faults,
    };
    await followerBus.disconnect();
    await leaderBus.disconnect();
    console.log(values.json ? JSON.stringify(summary) : describe(summary));
    // A run the follower's safety layer had to stop is a failure.
    code = summary.mode === 'stopped' ? 1 : 0;
  }
  return code;
}

function describe(s: LoopSummary & { leader: string; follower: string; commands: number; clampedCommands: number; gapRad: { p50: number; p99: number }; mode: string; stopReason?: string; faults: string[] }): string {
  return [
    `${s.leader} → ${s.follower}: ${s.ticks} ticks at ${s.rateHz} Hz (target ${s.targetHz}), jitter p50 ${s.jitterMs.p50} ms p99 ${s.jitterMs.p99} ms, ${s.overruns} overruns`,
    `  bus read p50 ${s.busRttMs.read.p50} ms, send p50 ${s.busRttMs.send.p50} ms; ${s.clampedCommands} of ${s.commands} commands clamped (leader–goal gap p99 ${s.gapRad.p99} rad); ended ${s.mode}${s.stopReason ? ` (${s.stopReason})` : ''}`,
    ...s.faults.map((f) => `  fault: ${f}`),
  ].join('\n');
}
