/**
 * serial-bus: the real-robot control loop — BusRobot.read() (one sync read of position, velocity,
 * load, voltage and temperature) then BusRobot.send() (safety layer + one sync write of goal
 * positions) — for 6 servos on a virtual bus over a socat pty at 1 Mbps, run back to back for a few
 * seconds. The wire limit is computed from the packets' sizes (10 bits per byte, return delay 0 as
 * LeRobot configures it): the rate a real 1 Mbps bus could carry this loop at. A pty does not pace
 * bytes like a UART, so achieved ÷ wire limit ≥ 1 means the software is not what limits the loop.
 *   serial-bus-dynamixel-loop-hz   6 × XL330, Protocol 2.0
 *   serial-bus-feetech-loop-hz     6 × STS3215 (the SO-101)
 *   serial-bus-*-wire-fraction     achieved rate ÷ wire-limited rate
 */
import { loadavg } from 'node:os';
import { BusRobot } from '../../bridges/bus-robot.ts';
import * as P from '../../bridges/buses/dynamixel/protocol2.ts';
import * as S from '../../bridges/buses/feetech/scs-protocol.ts';
import { findModel } from '../../bridges/buses/models.ts';
import { span } from '../../bridges/buses/registers.ts';
import { parseRobotConfig } from '../../bridges/robot-config.ts';
import { VirtualBusProcess } from '../../bridges/virtual-bus/harness.ts';
import { RollingStats } from '../../engine/timing-stats.ts';
import { round, type BenchResult, type BenchSuite } from '../result.ts';

const SERVOS = 6;
const BAUD = 1_000_000;
const WARMUP_S = 1;
const MEASURE_S = 5;
const IDS = Array.from({ length: SERVOS }, (_, i) => i + 1);

/** Bytes on the wire per loop tick: the sync read, every servo's reply, the sync write (also the deploy and teleop suites'). */
export function wireBytes(bus: 'dynamixel' | 'feetech'): { syncRead: number; replies: number; syncWrite: number; total: number } {
  const model = findModel(bus === 'dynamixel' ? 'xl330-m288' : 'sts3215');
  const state = span(model.table, ['Present_Position', 'Present_Velocity', model.effort.register, model.voltageRegister, 'Present_Temperature']);
  const goal = model.table.Goal_Position!.size;
  const data = new Map(IDS.map((id) => [id, new Uint8Array(goal)]));
  const zeros = new Array<number>(state.length).fill(0);
  const [syncRead, reply, syncWrite] =
    bus === 'dynamixel'
      ? [P.syncRead(state.address, state.length, IDS), P.status(1, 0, zeros), P.syncWrite(model.table.Goal_Position!.address, goal, data)]
      : [S.syncRead(state.address, state.length, IDS), S.reply(1, 0, zeros), S.syncWrite(model.table.Goal_Position!.address, goal, data)];
  const replies = reply.length * SERVOS;
  return { syncRead: syncRead.length, replies, syncWrite: syncWrite.length, total: syncRead.length + replies + syncWrite.length };
}

/** Time a tick's bytes take on a 1 Mbps UART (10 bits a byte: start, 8 data, stop). */
export function wireMsPerTick(bytes: number): number {
  return (bytes * 10 * 1000) / BAUD;
}

async function loop(bus: 'dynamixel' | 'feetech'): Promise<BenchResult[]> {
  const model = bus === 'dynamixel' ? 'xl330-m288' : 'sts3215';
  const vb = await VirtualBusProcess.start(bus, IDS.map((id) => ({ id, model })));
  const cal = { homingOffset: 0, direction: 1, rangeMin: 1024, rangeMax: 3072 };
  const config = parseRobotConfig({
    version: 1,
    name: `bench-${bus}`,
    bus: { type: bus, port: vb.port, baud: BAUD, timeoutMs: 100, retries: 2 },
    motors: Object.fromEntries(IDS.map((id) => [`j${id}`, { id, model }])),
    calibration: Object.fromEntries(IDS.map((id) => [`j${id}`, cal])),
    safety: { busWatchdogMs: bus === 'dynamixel' ? 200 : 0, commandTimeoutMs: 1000, torqueOffAfterMs: 5000 },
  });
  const robot = new BusRobot(config, { guardProcess: false });
  try {
    await robot.connect();
    const period = new RollingStats(1 << 16);
    const readMs = new RollingStats(1 << 16);
    let ticks = 0;
    let t0 = performance.now();
    let last = t0;
    let measuring = false;
    for (;;) {
      const start = performance.now();
      if (!measuring && start - t0 > WARMUP_S * 1000) {
        measuring = true;
        t0 = start;
        ticks = 0;
      } else if (measuring) {
        period.add(start - last);
        if (start - t0 > MEASURE_S * 1000) break;
      }
      last = start;
      const state = await robot.read();
      if (measuring) readMs.add(performance.now() - start);
      // A small motion around the middle, inside every limit: the loop's real work, no clamps.
      const t = (start - t0) / 1000;
      await robot.send({ action: state.position.map((_, i) => 0.1 * Math.sin(2 * Math.PI * 0.5 * t + i)) });
      if (measuring) ticks++;
      if (robot.mode !== 'active') throw new Error(`${bus} loop stopped: ${robot.stopReason}`);
    }
    const seconds = (performance.now() - t0) / 1000;
    const hz = ticks / seconds;
    const bytes = wireBytes(bus);
    const wireMs = wireMsPerTick(bytes.total);
    const wireHz = 1000 / wireMs;
    const stats = robot.motorBus.transport.stats;
    const details = {
      servos: SERVOS,
      baud: BAUD,
      ticks,
      seconds: round(seconds),
      periodMs: { p50: round(period.percentile(50)), p99: round(period.percentile(99)), max: round(period.percentile(100)) },
      // Jitter: how far the slow ticks stray from the typical one.
      jitterMs: { p99MinusP50: round(period.percentile(99) - period.percentile(50)) },
      syncReadRttMs: { p50: round(readMs.percentile(50)), p99: round(readMs.percentile(99)) },
      wire: { ...bytes, msPerTick: round(wireMs), limitHz: round(wireHz, 1), note: '10 bits/byte at 1 Mbps, return delay 0; a pty is not paced like a UART' },
      timeouts: stats.timeouts,
      retries: stats.retries,
      // Other work on the machine slows a loop that waits on two processes (ours and the virtual bus).
      loadAverage1m: round(loadavg()[0]!, 2),
      clamps: robot.counters.stepClamps + robot.counters.positionClamps + robot.counters.velocityClamps,
    };
    return [
      { name: `serial-bus-${bus}-loop-hz`, value: round(hz, 1), unit: 'Hz', target: '>= 300', details },
      { name: `serial-bus-${bus}-wire-fraction`, value: round(hz / wireHz), unit: 'x wire limit', target: '>= 0.8', details: { achievedHz: round(hz, 1), wireLimitHz: round(wireHz, 1) } },
    ];
  } finally {
    await robot.disconnect();
    await vb.stop();
  }
}

export const serialBus: BenchSuite = {
  name: 'serial-bus',
  async run() {
    return [...(await loop('dynamixel')), ...(await loop('feetech'))];
  },
};
