/**
 * `actuate deploy --robot robot.json --controller hold|sine [--rate Hz] [--seconds S] [--dry-run] [--json]`:
 * a fixed-rate control loop on a real robot — read the state, compute the action, send it through
 * the robot's safety layer — with loop statistics (achieved rate, period jitter, overruns, bus
 * round-trip, clamps) and a JSONL log flushed every 100 ms, so a crash loses at most that much.
 * --dry-run reads the real robot with torque off and logs what would have been sent.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BusRobot } from '../../bridges/bus-robot.ts';
import { loadRobotConfig } from '../../bridges/robot-config.ts';
import { RollingStats } from '../../engine/timing-stats.ts';
import type { RobotState } from '../../sim/robot/robot.ts';
import { UsageError } from '../usage-error.ts';

/** Controllers that need nothing but the robot's joint state. */
const CONTROLLERS: Record<string, (start: Float64Array, amplitude: number) => (state: RobotState, t: number) => Float64Array> = {
  hold: (start) => () => start,
  sine: (start, amplitude) => (_s, t) => start.map((p) => p + amplitude * Math.sin(2 * Math.PI * 0.5 * t)),
};

const FLUSH_MS = 100;

export async function deployCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      robot: { type: 'string' },
      port: { type: 'string' },
      task: { type: 'string' },
      controller: { type: 'string', default: 'hold' },
      rate: { type: 'string', default: '100' },
      seconds: { type: 'string', default: '10' },
      amplitude: { type: 'string', default: '0.2' },
      log: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.robot) throw new UsageError('deploy needs --robot robot.json');
  const make = CONTROLLERS[values.controller!];
  if (!make)
    throw new UsageError(`deploy runs the joint-space controllers ${Object.keys(CONTROLLERS).join(', ')} today; '${values.controller}' needs a task's observation built from a Robot, which the engine session does not provide yet`);
  const rate = Number(values.rate);
  const seconds = Number(values.seconds);
  const amplitude = Number(values.amplitude);
  if (!(rate > 0 && rate <= 2000)) throw new UsageError(`--rate ${values.rate}: expected a rate in Hz (0–2000]`);
  if (!(seconds > 0)) throw new UsageError(`--seconds ${values.seconds}: expected a positive duration`);
  if (!Number.isFinite(amplitude)) throw new UsageError(`--amplitude ${values.amplitude} is not a number`);
  const dryRun = values['dry-run']!;
  const config = loadRobotConfig(values.robot);
  const robot = new BusRobot(config, { torque: !dryRun, ...(values.port ? { port: values.port } : {}) });
  const logFile = values.log ?? `deploy-${config.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  const fd = openSync(logFile, 'a');
  let pending: string[] = [];
  const flush = () => {
    if (!pending.length) return;
    writeSync(fd, pending.join(''));
    pending = [];
  };
  const log = (record: object) => pending.push(`${JSON.stringify(record)}\n`);
  process.on('exit', flush);
  const flusher = setInterval(flush, FLUSH_MS);

  await robot.connect();
  const period = 1000 / rate;
  const jitter = new RollingStats(4096);
  const readMs = new RollingStats(4096);
  const sendMs = new RollingStats(4096);
  let overruns = 0;
  let ticks = 0;
  let clampedCommands = 0;
  let state = await robot.read();
  const controller = make(state.position.slice(), amplitude);
  log({ type: 'start', robot: config.name, controller: values.controller, task: values.task ?? null, rate, seconds, dryRun, joints: robot.capabilities.joints, stamp: Date.now() });
  const t0 = performance.now();
  let last = t0;
  let tripped = false;
  try {
    for (let k = 0; ; k++) {
      const deadline = t0 + k * period;
      if (deadline - t0 >= seconds * 1000) break;
      await sleepUntil(deadline);
      const start = performance.now();
      if (k > 0) jitter.add(Math.abs(start - last - period));
      last = start;
      state = await robot.read();
      const afterRead = performance.now();
      readMs.add(afterRead - start);
      const action = controller(state, (start - t0) / 1000);
      const sent = dryRun ? { ...robot.safety.filter(action, state.position, undefined, period / 1000), overridden: 'dry run' } : await robot.send({ action });
      sendMs.add(performance.now() - afterRead);
      if (sent.clamped) clampedCommands++;
      ticks++;
      if (performance.now() > deadline + period) overruns++;
      log({ t: (start - t0) / 1000, position: [...state.position], action: [...sent.action], clamped: sent.clamped, ...(sent.overridden ? { overridden: sent.overridden } : {}), faults: state.faults.length });
      if (robot.mode === 'stopped' || robot.mode === 'disconnected') break;
    }
  } finally {
    const elapsed = (performance.now() - t0) / 1000;
    const r = (x: number) => Math.round(x * 1000) / 1000;
    const summary = {
      robot: config.name,
      controller: values.controller,
      dryRun,
      ticks,
      seconds: r(elapsed),
      rateHz: r(ticks / elapsed),
      targetHz: rate,
      jitterMs: { p50: r(jitter.percentile(50)), p99: r(jitter.percentile(99)) },
      overruns,
      busRttMs: { read: { p50: r(readMs.percentile(50)), p99: r(readMs.percentile(99)) }, send: { p50: r(sendMs.percentile(50)), p99: r(sendMs.percentile(99)) } },
      clampedCommands,
      safety: robot.counters,
      mode: robot.mode,
      ...(robot.stopReason ? { stopReason: robot.stopReason } : {}),
      faults: state.faults.map((f) => f.message),
      log: logFile,
    };
    log({ type: 'end', ...summary });
    tripped = robot.mode === 'stopped';
    await robot.disconnect();
    clearInterval(flusher);
    flush();
    closeSync(fd);
    process.off('exit', flush);
    console.log(values.json ? JSON.stringify(summary) : describe(summary));
  }
  // A run the safety layer had to stop is a failure.
  return tripped ? 1 : 0;
}

/** setTimeout to within a millisecond, then yield to the event loop until the deadline: ≈0.1 ms precision without a busy core. */
async function sleepUntil(deadline: number): Promise<void> {
  const coarse = deadline - performance.now() - 1;
  if (coarse > 0) await new Promise((r) => setTimeout(r, coarse));
  while (performance.now() < deadline) await new Promise((r) => setImmediate(r));
}

function describe(s: { robot: string; controller?: string; ticks: number; rateHz: number; targetHz: number; jitterMs: { p50: number; p99: number }; overruns: number; busRttMs: { read: { p50: number; p99: number } }; clampedCommands: number; mode: string; stopReason?: string; faults: string[]; log: string }): string {
  return [
    `${s.robot}: ${s.controller} for ${s.ticks} ticks at ${s.rateHz} Hz (target ${s.targetHz}), jitter p50 ${s.jitterMs.p50} ms p99 ${s.jitterMs.p99} ms, ${s.overruns} overruns`,
    `  bus read p50 ${s.busRttMs.read.p50} ms p99 ${s.busRttMs.read.p99} ms, ${s.clampedCommands} clamped commands, ended ${s.mode}${s.stopReason ? ` (${s.stopReason})` : ''}`,
    ...s.faults.map((f) => `  fault: ${f}`),
    `  log: ${s.log}`,
  ].join('\n');
}
