import { describe, expect, it } from 'vitest';
import { BusRobot } from './bus-robot.ts';
import { calibrate } from './calibrate.ts';
import { parseRobotConfig, type RobotConfig } from './robot-config.ts';
import { MemoryLink } from './virtual-bus/memory-link.ts';
import { VirtualBus } from './virtual-bus/virtual-bus.ts';
import type { ServoEvent } from './virtual-bus/virtual-servo.ts';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function setup(type: 'dynamixel' | 'feetech', extra: Partial<RobotConfig> = {}) {
  const model = type === 'dynamixel' ? 'xl330-m288' : 'sts3215';
  const config = parseRobotConfig({
    version: 1,
    name: 'arm',
    bus: { type, port: 'memory', timeoutMs: 200, retries: 1 },
    motors: { a: { id: 1, model }, b: { id: 2, model } },
    calibration: {
      a: { homingOffset: 0, direction: 1, rangeMin: 1024, rangeMax: 3072 },
      b: { homingOffset: 0, direction: -1, rangeMin: 1024, rangeMax: 3072 },
    },
    limits: { a: { min: -1, max: 1, velocity: 4 } },
    safety: { maxStep: 0.3, commandTimeoutMs: 80, torqueOffAfterMs: 250, busWatchdogMs: 100, readFailures: 2 },
    ...extra,
  });
  const events: ServoEvent[] = [];
  const vbus = new VirtualBus(type, [{ id: 1, model }, { id: 2, model }], (e) => events.push(e));
  const link = new MemoryLink(vbus);
  const robot = new BusRobot(config, { link, guardProcess: false });
  const torqueOffs = () => events.filter((e) => e.event === 'write' && e.register === 'Torque_Enable' && e.value === 0).map((e) => e.id);
  return { config, vbus, link, robot, events, torqueOffs };
}

describe('BusRobot', () => {
  it('connects with torque on at the present pose, arms the Bus Watchdog, reads joint radians', async () => {
    const { robot, vbus } = setup('dynamixel');
    await robot.connect();
    expect(robot.busWatchdogMs).toBe(100);
    expect(vbus.snapshot().map((s) => [s.torque, s.busWatchdog])).toEqual([[true, 5], [true, 5]]);
    const state = await robot.read();
    expect([...state.position]).toEqual([0, -0]);
    expect(state.voltage![0]).toBeCloseTo(5);
    await robot.disconnect();
  });

  it('clamps a command beyond the limits and the max step, counts it, and the servo never sees the raw goal', async () => {
    const { robot, vbus } = setup('feetech', { limits: { a: { min: -1, max: 1 } } });
    await robot.connect();
    const sent = await robot.send({ action: Float64Array.of(3, 0) });
    expect(sent.clamped).toBe(1);
    expect(sent.action[0]).toBeCloseTo(0.3);
    expect(robot.counters.positionClamps).toBe(1);
    expect(robot.counters.stepClamps).toBe(1);
    // 0.3 rad → 2048 + 0.3·4096/2π ≈ 2244 ticks.
    expect(vbus.snapshot()[0]!.goal).toBe(2244);
    await robot.disconnect();
  });

  it('NaN from a controller holds the present position', async () => {
    const { robot } = setup('dynamixel');
    await robot.connect();
    const sent = await robot.send({ action: Float64Array.of(NaN, 0.1) });
    expect(sent.overridden).toMatch(/non-finite/);
    expect(robot.counters.nonFinite).toBe(1);
    await robot.disconnect();
  });

  it('software watchdog: hold when commands stop, then torque off on the bus', async () => {
    const { robot, torqueOffs } = setup('feetech');
    await robot.connect();
    await robot.send({ action: Float64Array.of(0.1, 0) });
    await sleep(150);
    expect(robot.mode).toBe('holding');
    expect(robot.counters.watchdogHolds).toBe(1);
    await sleep(200);
    expect(robot.mode).toBe('stopped');
    expect(robot.counters.watchdogTorqueOffs).toBe(1);
    expect(torqueOffs()).toEqual(expect.arrayContaining([1, 2]));
    expect((await robot.send({ action: Float64Array.of(0, 0) })).overridden).toMatch(/torque off/);
    await robot.disconnect();
  });

  it('emergency stop turns torque off and latches', async () => {
    const { robot, vbus, torqueOffs } = setup('dynamixel');
    await robot.connect();
    await robot.emergencyStop('Esc pressed');
    expect(torqueOffs()).toEqual(expect.arrayContaining([1, 2]));
    expect(vbus.snapshot().every((s) => !s.torque)).toBe(true);
    expect((await robot.send({ action: Float64Array.of(0, 0) })).overridden).toBe('emergency stop: Esc pressed');
    expect(robot.counters.emergencyStops).toBe(1);
    await robot.disconnect();
  });

  it('an overloaded servo trips the robot to torque off with a named fault', async () => {
    const { robot, vbus, torqueOffs } = setup('dynamixel');
    await robot.connect();
    vbus.inject({ op: 'overload', id: 2 });
    const state = await robot.read();
    expect(state.faults).toContainEqual(expect.objectContaining({ kind: 'overload', joint: 'b' }));
    expect(robot.mode).toBe('stopped');
    expect(robot.counters.faultTrips).toBe(1);
    expect(torqueOffs()).toContain(1);
    await robot.disconnect();
  });

  it('a servo that stops answering trips to torque off after the configured failed reads', async () => {
    const { robot, vbus, torqueOffs } = setup('feetech', { safety: { maxStep: 0.3, commandTimeoutMs: 5000, torqueOffAfterMs: 10000, busWatchdogMs: 0, readFailures: 2 } });
    await robot.connect();
    vbus.inject({ op: 'silence', id: 2, on: true });
    await robot.read();
    expect(robot.mode).toBe('active');
    const state = await robot.read();
    expect(state.faults.at(-1)!.message).toMatch(/no answer from b \(ID 2\), 2 reads in a row: torque off/);
    expect(robot.counters.communicationTrips).toBe(1);
    expect(torqueOffs()).toContain(1);
    await robot.disconnect();
  });

  it('disconnect turns torque off; a leader never enables torque', async () => {
    const { robot, torqueOffs } = setup('feetech');
    await robot.connect();
    await robot.disconnect();
    expect(torqueOffs()).toEqual(expect.arrayContaining([1, 2]));
    const leader = setup('feetech', { role: 'leader' });
    await leader.robot.connect();
    expect(leader.vbus.snapshot().every((s) => !s.torque)).toBe(true);
    expect((await leader.robot.send({ action: Float64Array.of(0, 0) })).overridden).toMatch(/leader/);
    await leader.robot.disconnect();
  });

  it('refuses to enable torque on uncalibrated joints, naming them', async () => {
    const { robot } = setup('feetech', { calibration: {} });
    await expect(robot.connect()).rejects.toThrow(/joints a, b are not calibrated/);
  });

  it('a missing servo fails connect with its joint and ID', async () => {
    const { robot, vbus } = setup('dynamixel');
    vbus.inject({ op: 'silence', id: 2, on: true });
    await expect(robot.connect()).rejects.toThrow(/b: no answer from ID 2/);
  });
});

describe('calibrate', () => {
  it('centres each joint with the homing offset and records the range it is moved through', async () => {
    for (const type of ['dynamixel', 'feetech'] as const) {
      const { robot, vbus, config } = setup(type, { calibration: {} });
      const r = new BusRobot(config, { link: robot['options'].link!, torque: false, guardProcess: false });
      vbus.inject({ op: 'move', id: 1, position: 1500 });
      await r.connect();
      let stopRecording = () => {};
      let recorded = 0;
      const recording = calibrate(r.motorBus, config, {
        recordUntil: new Promise<void>((resolve) => (stopRecording = resolve)),
        onProgress: () => recorded++,
      });
      // Recording has begun once progress is reported; then a hand moves each joint to both ends.
      while (recorded === 0) await sleep(10);
      for (const [id, lo, hi] of [[1, 1200, 2900], [2, 1000, 3100]] as const) {
        vbus.inject({ op: 'move', id, position: lo });
        await sleep(150);
        vbus.inject({ op: 'move', id, position: hi });
        await sleep(150);
      }
      stopRecording();
      const result = await recording;
      expect(result.a!.homingOffset).toBe(type === 'dynamixel' ? 547 : -547);
      expect([result.a!.rangeMin, result.a!.rangeMax]).toEqual([1200, 2900]);
      expect([result.b!.rangeMin, result.b!.rangeMax]).toEqual([1000, 3100]);
      await r.disconnect();
    }
  });
});
