/**
 * The whole serial stack over a real tty: a virtual servo bus process on one end of a socat pty
 * pair, the `actuate` CLI or a BusRobot on the other. Faults each end in a safe state, and the
 * torque-off packet is seen arriving at the virtual bus.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { BusRobot } from '../../bridges/bus-robot.ts';
import { loadRobotConfig, parseRobotConfig, type RobotConfig } from '../../bridges/robot-config.ts';
import { VirtualBusProcess } from '../../bridges/virtual-bus/harness.ts';
import { actuate } from '../../cli/run-actuate.ts';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
const BIN = fileURLToPath(new URL('../../bin/actuate.js', import.meta.url));
const SO101 = fileURLToPath(new URL('../../bridges/configs/so101-follower.robot.json', import.meta.url));
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const tmp = () => mkdtempSync(join(tmpdir(), 'actuate-bus-'));
/** Timeouts a loaded 2-core CI machine can keep (a real bus answers within a millisecond). */
const BUS = { timeoutMs: 250, retries: 2 };

/** Waits until the virtual bus has reported a Torque_Enable = 0 write for each ID (its events cross a pipe). */
async function torqueOffReached(vb: VirtualBusProcess, ids: number[], since: number): Promise<void> {
  for (const id of ids) await vb.waitFor((e) => e.event === 'write' && e.register === 'Torque_Enable' && e.value === 0 && e.id === id, 5000, since);
}

let running: VirtualBusProcess[] = [];
let robots: BusRobot[] = [];
afterEach(async () => {
  for (const r of robots) await r.disconnect().catch(() => undefined);
  for (const v of running) await v.stop();
  running = [];
  robots = [];
});

async function virtualBus(...args: Parameters<typeof VirtualBusProcess.start>): Promise<VirtualBusProcess> {
  const vb = await VirtualBusProcess.start(...args);
  running.push(vb);
  return vb;
}

/** Three XL330s with a calibration (±90° around the middle) and a 100 ms Bus Watchdog. */
function dynamixelConfig(port: string, safety: Partial<RobotConfig['safety']> = {}): RobotConfig {
  const cal = { homingOffset: 0, direction: 1, rangeMin: 1024, rangeMax: 3072 };
  return parseRobotConfig({
    version: 1,
    name: 'xl330-arm',
    bus: { type: 'dynamixel', port, ...BUS },
    motors: { j1: { id: 1, model: 'xl330-m288' }, j2: { id: 2, model: 'xl330-m288' }, j3: { id: 3, model: 'xl330-m288' } },
    calibration: { j1: cal, j2: cal, j3: cal },
    limits: { j1: { min: -1, max: 1 } },
    safety: { maxStep: 0.3, commandTimeoutMs: 500, torqueOffAfterMs: 2000, busWatchdogMs: 100, readFailures: 3, ...safety },
  });
}
const XL330 = [1, 2, 3].map((id) => ({ id, model: 'xl330-m288' }));

/** A fixed-base chain of three revolute joints j1–j3: the robot model of the three-XL330 test arm. */
const link = (name: string) => `<link name="${name}"><inertial><mass value="0.05"/><inertia ixx="1e-5" iyy="1e-5" izz="1e-5" ixy="0" ixz="0" iyz="0"/></inertial><visual><geometry><box size="0.02 0.02 0.05"/></geometry></visual></link>`;
const joint = (n: number, parent: string) => `<joint name="j${n}" type="revolute"><parent link="${parent}"/><child link="l${n}"/><origin xyz="0 0 0.05"/><axis xyz="0 1 0"/><limit lower="-1.5" upper="1.5" effort="0.5" velocity="6"/></joint>`;
const THREE_JOINT_URDF = `<robot name="xl330-arm">${link('base')}${link('l1')}${link('l2')}${link('l3')}${joint(1, 'base')}${joint(2, 'l1')}${joint(3, 'l2')}</robot>`;

async function connected(config: RobotConfig): Promise<BusRobot> {
  const robot = new BusRobot(config, { guardProcess: false });
  robots.push(robot);
  await robot.connect();
  return robot;
}

describe.skipIf(!hasSocat)('SO-101 on a virtual Feetech bus through the CLI', () => {
  const SERVOS = [1, 2, 3, 4, 5, 6].map((id) => ({ id, model: 'sts3215' }));

  it('scan finds the configured IDs; calibration completes; read reports every joint; deploy holds the pose and turns torque off at the end; read exits 1 naming a fault', async () => {
    const vb = await virtualBus('feetech', SERVOS);
    const scan = await actuate('robot', 'scan', '--bus', 'feetech', '--port', vb.port, '--ids', '1-8', '--timeout', '250', '--json');
    expect(scan.stderr).toBe('');
    expect(JSON.parse(scan.stdout)).toEqual(SERVOS.map((s) => ({ id: s.id, model: 'sts3215', firmware: 3 })));

    const dir = tmp();
    const file = join(dir, 'so101.robot.json');
    writeFileSync(file, JSON.stringify({ ...JSON.parse(readFileSync(SO101, 'utf8')), bus: { type: 'feetech', port: vb.port, ...BUS } }));
    // A hand sweeps every joint between 1000 and 3100 while calibration records: from when each servo has
    // its homing offset (a move before it would be read back shifted by the offset).
    let sweeping = true;
    const homed = (id: number) => vb.events.filter((e) => e.event === 'write' && e.register === 'Homing_Offset' && e.id === id).length >= 2;
    const sweep = (async () => {
      while (sweeping && !SERVOS.every((s) => homed(s.id))) await sleep(20);
      for (let k = 0; sweeping; k++) {
        for (const s of SERVOS) await vb.inject({ op: 'move', id: s.id, position: k % 2 ? 3100 : 1000 });
        await sleep(150);
      }
    })();
    const cal = await actuate('robot', 'calibrate', '--robot', file, '--yes', '--seconds', '3', '--json');
    sweeping = false;
    await sweep;
    expect(cal.code, cal.stderr).toBe(0);
    const saved = loadRobotConfig(file);
    for (const joint of Object.keys(saved.motors)) expect(saved.calibration[joint]).toMatchObject({ rangeMin: 1000, rangeMax: 3100, direction: 1 });
    expect(vb.events.filter((e) => e.register === 'Lock').length).toBeGreaterThan(0);

    const read = await actuate('robot', 'read', '--robot', file, '--json');
    expect(read.code, read.stderr).toBe(0);
    const state = JSON.parse(read.stdout) as { joints: Array<{ joint: string; position: number; voltage: number }> };
    expect(state.joints.map((j) => j.joint)).toEqual(['shoulder_pan', 'shoulder_lift', 'elbow_flex', 'wrist_flex', 'wrist_roll', 'gripper']);
    expect(state.joints.every((j) => Number.isFinite(j.position) && Math.abs(j.voltage - 7.4) < 1e-9)).toBe(true);

    // The hand leaves the arm near the middle, inside every joint's limits (a joint outside them
    // would be brought back inside, maxStep per tick, by the safety layer).
    for (const s of SERVOS) await vb.inject({ op: 'move', id: s.id, position: 2100 });
    const before = await vb.snapshot();
    const since = vb.events.length;
    const log = join(dir, 'deploy.jsonl');
    const deploy = await actuate('deploy', '--robot', file, '--task', 'so101-reach', '--controller', 'hold', '--rate', '100', '--seconds', '2', '--log', log, '--json');
    expect(deploy.code, deploy.stderr).toBe(0);
    const summary = JSON.parse(deploy.stdout);
    // The rate is the benchmark's business (a loaded CI machine runs this far below 100 Hz).
    expect(summary.ticks).toBeGreaterThan(10);
    expect(summary.mode).toBe('active');
    const after = await vb.snapshot();
    after.forEach((s, i) => expect(Math.abs(Number(s.position) - Number(before[i]!.position))).toBeLessThanOrEqual(2));
    await torqueOffReached(vb, [1, 2, 3, 4, 5, 6], since);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].type).toBe('start');
    expect(lines.at(-1).type).toBe('end');
    expect(lines.length).toBe(summary.steps + 2);
    expect(summary.steps).toBeGreaterThan(10);

    // A servo reporting a fault: read still prints every joint, names the fault, and exits 1.
    await vb.inject({ op: 'overload', id: 3 });
    const faulty = await actuate('robot', 'read', '--robot', file, '--json');
    expect(faulty.code).toBe(1);
    const withFault = JSON.parse(faulty.stdout) as { joints: unknown[]; faults: Array<{ message: string }> };
    expect(withFault.joints).toHaveLength(6);
    expect(withFault.faults.map((f) => f.message).join()).toMatch(/elbow_flex|ID 3/);
  });

  it('deploy --dry-run runs a planner on the twin only: the twin moves, the bus gets reads and no goal or torque-on write', async () => {
    const vb = await virtualBus('feetech', SERVOS);
    const dir = tmp();
    const file = join(dir, 'so101.robot.json');
    writeFileSync(file, JSON.stringify(calibratedSo101(vb.port)));
    const since = vb.events.length;
    const log = join(dir, 'dry.jsonl');
    const mcap = join(dir, 'dry.mcap');
    const deploy = await actuate('deploy', '--robot', file, '--task', 'so101-reach', '--controller', 'mppi', '--seconds', '4', '--dry-run', '--log', log, '--record', mcap, '--json');
    expect(deploy.code, deploy.stderr).toBe(0);
    const summary = JSON.parse(deploy.stdout);
    expect(summary).toMatchObject({ dryRun: true, controller: 'mppi', task: 'so101-reach', targetHz: 25 });
    expect(summary.steps).toBeGreaterThan(5);
    const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const steps = lines.filter((l) => l.sent);
    // The real arm stays in the middle (0 rad) while the twin reaches for the target.
    const last = steps.at(-1);
    expect(last.position.every((p: number) => Math.abs(p) < 0.01)).toBe(true);
    expect(Math.max(...last.twin.map((p: number) => Math.abs(p)))).toBeGreaterThan(0.05);
    // Reads only: no goal ever written, torque never enabled.
    const servos = await vb.snapshot();
    expect(servos.map((s) => s.goalWrites)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(servos.every((s) => !s.torque)).toBe(true);
    expect(vb.events.slice(since).filter((e) => e.register === 'Torque_Enable' && e.value !== 0)).toEqual([]);
    expect(statSync(mcap).size).toBeGreaterThan(1000);
  });
});

/** The SO-101 follower on `port`, calibrated: ±90° around the middle (2048 ticks = 0 rad). */
function calibratedSo101(port: string, file = SO101): RobotConfig {
  const base = JSON.parse(readFileSync(file, 'utf8'));
  const cal = { homingOffset: 0, direction: 1, rangeMin: 1024, rangeMax: 3072 };
  return parseRobotConfig({ ...base, robotModel: resolve(dirname(file), base.robotModel), bus: { type: 'feetech', port, ...BUS }, calibration: Object.fromEntries(Object.keys(base.motors).map((j) => [j, cal])) });
}

describe.skipIf(!hasSocat)('faults on a virtual Dynamixel bus end in a safe state', () => {
  it('a command beyond the limits is clamped and counted; the bus never sees it', async () => {
    const vb = await virtualBus('dynamixel', XL330);
    // No watchdog hold while the test looks at the goals.
    const robot = await connected(dynamixelConfig(vb.port, { commandTimeoutMs: 60_000, torqueOffAfterMs: 120_000, busWatchdogMs: 0 }));
    await robot.read();
    const sent = await robot.send({ action: Float64Array.of(10, -10, 0) });
    expect(sent.clamped).toBe(2);
    // j1 to its configured limit, j2 to its calibrated range (±π/2); then both to the max step.
    expect(robot.counters.positionClamps).toBe(2);
    expect(robot.counters.stepClamps).toBe(2);
    // 0.3 rad from the middle (2048) is 196 ticks (the write crosses the pty; the snapshot a pipe).
    let goals: number[] = [];
    for (let i = 0; i < 50 && goals[0] !== 2048 + 196; i++, await sleep(50)) goals = (await vb.snapshot()).map((s) => Number(s.goal));
    expect(goals).toEqual([2048 + 196, 2048 - 196, 2048]);
  });

  it('a servo reporting overload trips the robot: named fault, torque-off packets on the bus', async () => {
    const vb = await virtualBus('dynamixel', XL330);
    const robot = await connected(dynamixelConfig(vb.port));
    const since = vb.events.length;
    await vb.inject({ op: 'overload', id: 2 });
    const state = await robot.read();
    expect(state.faults).toContainEqual(expect.objectContaining({ kind: 'overload', joint: 'j2' }));
    expect(robot.mode).toBe('stopped');
    await torqueOffReached(vb, [1, 2, 3], since);
    expect((await vb.snapshot()).every((s) => !s.torque)).toBe(true);
  });

  it('corrupted checksums are retried; when every reply is corrupt the robot turns torque off', async () => {
    const vb = await virtualBus('dynamixel', XL330);
    const robot = await connected(dynamixelConfig(vb.port));
    await vb.inject({ op: 'corrupt', id: 1, count: 1 });
    const ok = await robot.read();
    // The corrupted reply is dropped (its CRC fails) and the sync read repeated.
    expect(Number.isFinite(ok.velocity[0]!)).toBe(true);
    expect(robot.motorBus.transport.stats.retries).toBeGreaterThanOrEqual(1);
    expect(robot.mode).toBe('active');
    const since = vb.events.length;
    await vb.inject({ op: 'corrupt', id: 1, count: 100 });
    // readFailures = 3 reads in a row; a reply that was late for the earlier read (a loaded machine)
    // can still complete one of them, so allow a few more before requiring the trip.
    for (let i = 0; i < 6 && robot.mode !== 'stopped'; i++) {
      await robot.send({ action: ok.position });
      await robot.read();
    }
    expect(robot.motorBus.transport.decoder.stats.checksumErrors).toBeGreaterThan(0);
    expect(robot.mode).toBe('stopped');
    expect(robot.counters.communicationTrips).toBe(1);
    await torqueOffReached(vb, [1, 2, 3], since);
  });

  it('a servo that stops answering is named, and torque goes off', async () => {
    const vb = await virtualBus('dynamixel', XL330);
    const robot = await connected(dynamixelConfig(vb.port));
    const since = vb.events.length;
    await vb.inject({ op: 'silence', id: 3, on: true });
    let state = await robot.read();
    for (let i = 0; i < 3 && robot.mode !== 'stopped'; i++) {
      await robot.send({ action: Float64Array.of(0, 0, 0) });
      state = await robot.read();
    }
    expect(state.faults.map((f) => f.message)).toContainEqual(expect.stringMatching(/no answer from j3 \(ID 3\)/));
    expect(robot.mode).toBe('stopped');
    await torqueOffReached(vb, [1, 2, 3], since);
  });

  it('the port closing mid-run stops commands with a clear fault, and the servos’ Bus Watchdog stops them', async () => {
    const vb = await virtualBus('dynamixel', XL330);
    const robot = await connected(dynamixelConfig(vb.port));
    await robot.send({ action: Float64Array.of(0.2, 0.2, 0.2) });
    await vb.unplug();
    await sleep(300);
    const state = await robot.read();
    expect(state.faults.some((f) => f.kind === 'communication' && /disconnected|closed/.test(f.message))).toBe(true);
    expect((await robot.send({ action: Float64Array.of(0, 0, 0) })).overridden).toMatch(/port lost/);
    await vb.waitFor((e) => e.event === 'watchdog-trip' && e.id === 3, 2000);
    expect(vb.events.filter((e) => e.event === 'watchdog-trip').map((e) => e.id).sort()).toEqual([1, 2, 3]);
  });

  it('SIGKILL of the controlling process: the XL330s’ Bus Watchdog stops them', async () => {
    const vb = await virtualBus('dynamixel', XL330);
    const dir = tmp();
    const file = join(dir, 'xl330.robot.json');
    // 300 ms: a loaded CI machine's loop stalls must not trip it while the controller is alive.
    writeFileSync(join(dir, 'xl330-arm.urdf'), THREE_JOINT_URDF);
    writeFileSync(file, JSON.stringify({ ...dynamixelConfig(vb.port, { busWatchdogMs: 300, commandTimeoutMs: 2000, torqueOffAfterMs: 5000 }), robotModel: 'xl330-arm.urdf' }));
    // Free play of the arm's model (its default task), its joints commanded from sliders at 100 Hz.
    const child = spawn(process.execPath, [BIN, 'deploy', '--robot', file, '--controller', 'jog', '--set', 'controller.j2=0.5', '--rate', '100', '--seconds', '60', '--log', join(dir, 'log.jsonl')], { stdio: 'ignore' });
    try {
      await vb.waitFor((e) => e.register === 'Bus_Watchdog' && e.value === 15 && e.id === 3, 120_000);
      await sleep(700);
      const moving = await vb.snapshot();
      expect(moving.every((s) => s.torque && !s.watchdogTripped)).toBe(true);
      child.kill('SIGKILL');
      const killedAt = performance.now();
      for (const id of [1, 2, 3]) await vb.waitFor((e) => e.event === 'watchdog-trip' && e.id === id, 5000);
      // 300 ms of silence, plus the virtual bus's own scheduling on a busy machine.
      expect(performance.now() - killedAt).toBeLessThan(3000);
      const stopped = await vb.snapshot();
      await sleep(300);
      const later = await vb.snapshot();
      later.forEach((s, i) => {
        expect(s.watchdogTripped).toBe(true);
        expect(s.busWatchdog).toBe(-1);
        expect(s.position).toBe(stopped[i]!.position);
      });
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe.skipIf(!hasSocat)('leader–follower teleoperation over two virtual Feetech buses', () => {
  const SERVOS = [1, 2, 3, 4, 5, 6].map((id) => ({ id, model: 'sts3215' }));
  const LEADER = fileURLToPath(new URL('../../bridges/configs/so101-leader.robot.json', import.meta.url));

  it('the follower tracks the leader moved by hand; the leader’s torque is never enabled; the end turns the follower’s torque off', async () => {
    const [leaderBus, followerBus] = await Promise.all([virtualBus('feetech', SERVOS), virtualBus('feetech', SERVOS)]);
    const dir = tmp();
    const leader = join(dir, 'leader.robot.json');
    const follower = join(dir, 'follower.robot.json');
    writeFileSync(leader, JSON.stringify(calibratedSo101(leaderBus.port, LEADER)));
    writeFileSync(follower, JSON.stringify(calibratedSo101(followerBus.port)));
    const run = actuate('teleop', '--robot', follower, '--leader', leader, '--rate', '50', '--seconds', '6', '--json');
    // Once the follower's torque is on, a hand moves three leader joints.
    await followerBus.waitFor((e) => e.register === 'Torque_Enable' && e.value === 1 && e.id === 6, 30_000);
    const moves = new Map([[1, 2048 + 300], [3, 2048 - 200], [6, 2048 + 150]]);
    for (const [id, position] of moves) await leaderBus.inject({ op: 'move', id, position });
    let goals: number[] = [];
    for (let i = 0; i < 60; i++, await sleep(50)) {
      goals = (await followerBus.snapshot()).map((s) => Number(s.goal));
      if (goals.every((g, k) => Math.abs(g - (moves.get(k + 1) ?? 2048)) <= 2)) break;
    }
    expect(goals.map((g, k) => Math.abs(g - (moves.get(k + 1) ?? 2048)) <= 2)).toEqual([true, true, true, true, true, true]);
    const since = followerBus.events.length;
    const result = await run;
    expect(result.code, result.stderr).toBe(0);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ leader: 'so101-leader', follower: 'so101-follower', mode: 'active' });
    expect(summary.commands).toBeGreaterThan(20);
    // 0.46 rad in one tick is beyond maxStep (0.25): the safety layer spread it over ticks, and counted it.
    expect(summary.clampedCommands).toBeGreaterThan(0);
    expect(summary.safety.stepClamps + summary.safety.velocityClamps).toBeGreaterThan(0);
    expect(leaderBus.events.filter((e) => e.register === 'Torque_Enable' && e.value !== 0)).toEqual([]);
    expect((await leaderBus.snapshot()).map((s) => s.goalWrites)).toEqual([0, 0, 0, 0, 0, 0]);
    await torqueOffReached(followerBus, [1, 2, 3, 4, 5, 6], since);
  });
});
