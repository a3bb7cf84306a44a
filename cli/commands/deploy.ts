/**
 * `actuate deploy --robot robot.json [--port PORT|URL] [--task T] [--controller C] [--set k=v …] [--rate Hz] [--seconds S]
 * [--dry-run] [--log FILE.jsonl] [--record FILE.mcap] [--json]`: any task controller on a real robot,
 * through the engine session that drives the studio (the robot attached, the task's scene its twin,
 * planners in their own loop). The robot's safety layer sits in its send path whatever the controller.
 * A fixed-rate loop ticks the session and reports achieved rate, period jitter, overruns, bus round
 * trips and clamps; every step goes to a JSONL log flushed every 100 ms (and, with --record, to MCAP),
 * so a crash loses at most that much. --dry-run reads the real robot with torque off and drives only
 * its simulated twin: nothing but reads reaches the bus. The robot file may describe servos on a bus or
 * a robot on ROS (`"kind": "ros"`: a master or rosbridge URL, state and command topics, joints).
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DryRunRobot } from '../../bridges/dry-run-robot.ts';
import { MeasuredRobot } from '../../bridges/measured-robot.ts';
import { loadRobotFile, makeRobot } from '../../bridges/robot-file.ts';
import { findController } from '../../control/registry.ts';
import { Session } from '../../engine/session.ts';
import { recordSession } from '../../engine/session-recording.ts';
import { loadRapier } from '../../sim/rapier/load-rapier.ts';
import type { RobotState } from '../../sim/robot/robot.ts';
import { ROBOT_TASK_PREFIX } from '../../sim/tasks/free-play.ts';
import { findTask } from '../../sim/tasks/index.ts';
import { LoopStats, loopOptions, runAtRate, type LoopSummary } from '../control-loop.ts';
import { parseSetOptions } from '../set-options.ts';
import { UsageError } from '../usage-error.ts';

const FLUSH_MS = 100;

export async function deployCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      robot: { type: 'string' },
      port: { type: 'string' },
      task: { type: 'string' },
      controller: { type: 'string', default: 'hold' },
      set: { type: 'string', multiple: true, default: [] },
      seed: { type: 'string', default: '0' },
      rate: { type: 'string' },
      seconds: { type: 'string', default: '10' },
      log: { type: 'string' },
      record: { type: 'string' },
      'dry-run': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
    },
  });
  if (!values.robot) throw new UsageError('deploy needs --robot robot.json');
  const file = loadRobotFile(values.robot);
  // Without --task: free play of the robot's own model file, its joints as the actions.
  const model = file.robotModel;
  if (!values.task && !model) throw new UsageError(`deploy needs --task: ${values.robot} names no robotModel to build a free-play scene from`);
  const taskId = values.task ?? `${ROBOT_TASK_PREFIX}${model}`;
  const controllerId = values.controller!;
  try {
    findTask(taskId);
    findController(controllerId);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const seed = Number(values.seed);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a whole number ≥ 0, got '${values.seed}'`);
  const set = parseSetOptions(values.set!, taskId, controllerId);
  const dryRun = values['dry-run']!;

  const session = await Session.create({ taskId, controllerId, seed, taskParams: set.task, controllerParams: set.controller, costWeights: set.cost }).catch((err: Error) => {
    throw err.name === 'ParamError' ? new UsageError(err.message) : err;
  });
  const { rate, seconds } = loopOptions(values.rate ?? String(1 / session.task.timing.controlDt), values.seconds, (m) => new UsageError(m));
  const real = makeRobot(file, session.task.scene, { torque: !dryRun, ...(values.port ? { port: values.port } : {}), onStatus: (m) => process.stderr.write(`${file.name}: ${m}\n`) });
  const stats = new LoopStats(rate);
  let lastReal: RobotState | undefined;
  const inner = dryRun ? new DryRunRobot(real, await loadRapier(), session.task.scene) : real;
  const robot = new MeasuredRobot(inner, {
    read: (ms, state) => {
      stats.readMs.add(ms);
      lastReal = inner instanceof DryRunRobot ? inner.lastReal : state;
    },
    sent: (ms) => stats.sendMs.add(ms),
  });

  const logFile = values.log ?? `deploy-${file.name}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`;
  const log = new FlushedLog(logFile);
  let steps = 0;
  let clampedCommands = 0;
  try {
    // Attached before connecting: the controller (a planner's workers …) starts while torque is still
    // off, so the first command follows torque-on at once, not after the software watchdog trips.
    await session.attachRobot(robot);
    await robot.connect();
  } catch (err) {
    log.close();
    await session.dispose();
    throw err;
  }
  const recording = values.record ? recordSession(session, resolve(values.record), { flushSeconds: 1 }) : undefined;
  let error: string | undefined;
  let failed = false;
  try {
    log.write({ type: 'start', robot: file.name, task: taskId, controller: controllerId, rate, seconds, dryRun, joints: robot.capabilities.joints, stamp: Date.now() });
    const t0 = performance.now();
    session.onStep((sample) => {
      const command = sample.command;
      if (!command) return;
      steps++;
      if (command.sent.clamped) clampedCommands++;
      log.write({
        t: (performance.now() - t0) / 1000,
        position: lastReal ? [...lastReal.position] : null,
        ...(dryRun ? { twin: [...(robot.inner as DryRunRobot).twinPosition()] } : {}),
        requested: [...command.requested],
        sent: [...command.sent.action],
        clamped: command.sent.clamped,
        ...(command.sent.overridden ? { overridden: command.sent.overridden } : {}),
        faults: lastReal?.faults.length ?? 0,
      });
    });
    // One tick before the clock starts: a controller's lazy start (a planner's first plan) is not loop jitter.
    await session.tick();
    stats.readMs.clear();
    stats.sendMs.clear();
    await runAtRate(stats, seconds, async () => {
      await session.tick();
      error = session.status().error;
      return !error && real.mode !== 'stopped' && real.mode !== 'disconnected';
    });
  } finally {
    const summary = {
      robot: file.name,
      task: taskId,
      controller: controllerId,
      dryRun,
      ...stats.summary(),
      steps,
      clampedCommands,
      safety: { ...real.counters },
      mode: real.mode,
      ...(real.stopReason ? { stopReason: real.stopReason } : {}),
      ...(error ? { error } : {}),
      faults: (lastReal?.faults ?? []).map((f) => f.message),
      log: logFile,
      ...(recording ? { record: recording.path } : {}),
    };
    log.write({ type: 'end', ...summary });
    // The session lets go of the robot with an emergency stop (torque off); then the port closes.
    await session.dispose();
    await robot.disconnect();
    await recording?.stop();
    log.close();
    console.log(values.json ? JSON.stringify(summary) : describe(summary));
    // A run the safety layer or a failing controller had to stop is a failure.
    failed = summary.mode === 'stopped' || error !== undefined;
  }
  return failed ? 1 : 0;
}

/** JSON lines appended to a file and written out every FLUSH_MS, and at exit, so a crash loses at most that much. */
class FlushedLog {
  private readonly fd: number;
  private pending: string[] = [];
  private readonly timer: NodeJS.Timeout;
  private readonly onExit = () => this.flush();

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
    this.timer = setInterval(this.onExit, FLUSH_MS);
    process.on('exit', this.onExit);
  }

  write(record: object): void {
    this.pending.push(`${JSON.stringify(record)}\n`);
  }

  flush(): void {
    if (!this.pending.length) return;
    writeSync(this.fd, this.pending.join(''));
    this.pending = [];
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
    closeSync(this.fd);
    process.off('exit', this.onExit);
  }
}

function describe(s: LoopSummary & { robot: string; controller: string; task: string; dryRun: boolean; steps: number; clampedCommands: number; mode: string; stopReason?: string; error?: string; faults: string[]; log: string; record?: string }): string {
  return [
    `${s.robot}${s.dryRun ? ' (dry run: twin only)' : ''}: ${s.controller} on ${s.task} for ${s.ticks} ticks at ${s.rateHz} Hz (target ${s.targetHz}), jitter p50 ${s.jitterMs.p50} ms p99 ${s.jitterMs.p99} ms, ${s.overruns} overruns`,
    `  bus read p50 ${s.busRttMs.read.p50} ms p99 ${s.busRttMs.read.p99} ms, send p50 ${s.busRttMs.send.p50} ms, ${s.clampedCommands} of ${s.steps} commands clamped, ended ${s.mode}${s.stopReason ? ` (${s.stopReason})` : ''}`,
    ...(s.error ? [`  error: ${s.error}`] : []),
    ...s.faults.map((f) => `  fault: ${f}`),
    `  log: ${s.log}${s.record ? `, recording: ${s.record}` : ''}`,
  ].join('\n');
}
