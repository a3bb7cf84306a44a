/**
 * The studio's robot link (engine/robot-link.ts, behind the Robot panel) over a real tty to a virtual
 * SO-101: connecting moves nothing, and the emergency stop turns torque off while the controller is
 * still busy with a step — it does not wait behind the session's queue.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControllerDefinition } from '../../control/controller.ts';
import { findController } from '../../control/registry.ts';
import { RobotLink } from '../../engine/robot-link.ts';
import { JOG_LEAD } from '../../protocol/api.ts';
import { Session } from '../../engine/session.ts';
import { VirtualBusProcess } from '../../bridges/virtual-bus/harness.ts';
import { ROBOT_TASK_PREFIX } from '../../sim/tasks/free-play.ts';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
const FOLLOWER = fileURLToPath(new URL('../../bridges/configs/so101-follower.robot.json', import.meta.url));
const URDF = fileURLToPath(new URL('../../assets/robots/so101/so101_new_calib.urdf', import.meta.url));
const IDS = [1, 2, 3, 4, 5, 6];

/** A controller whose every step takes `ms` (a planner thinking), holding the first state's joints. */
function slow(ms: number): ControllerDefinition {
  return {
    id: 'slow',
    title: 'Slow',
    description: 'answers after a while',
    params: [],
    create: ({ task }) => ({
      setParams() {},
      reset() {},
      act: (state) => new Promise<Float64Array>((r) => setTimeout(() => r(task.holdAction!(state)), ms)),
      dispose() {},
    }),
  };
}

/** A virtual SO-101, its calibrated robot.json in a folder of its own, a session and a robot link. */
async function setUp() {
  const bus = await VirtualBusProcess.start('feetech', IDS.map((id) => ({ id, model: 'sts3215' })));
  cleanup.push(() => bus.stop());
  const dir = mkdtempSync(join(tmpdir(), 'actuate-link-'));
  const file = join(dir, 'arm.robot.json');
  const base = JSON.parse(readFileSync(FOLLOWER, 'utf8'));
  const cal = { homingOffset: 0, direction: 1, rangeMin: 1024, rangeMax: 3072 };
  writeFileSync(file, JSON.stringify({ ...base, robotModel: URDF, bus: { ...base.bus, port: bus.port, timeoutMs: 250 }, calibration: Object.fromEntries(Object.keys(base.motors).map((j) => [j, cal])), safety: { ...base.safety, commandTimeoutMs: 30_000, torqueOffAfterMs: 60_000 } }));
  const session = await Session.create({ findController: (id) => (id === 'slow' ? slow(4000) : findController(id)) });
  cleanup.push(() => session.dispose());
  const link = new RobotLink(session, { checkConfig: (p) => p, openModel: async (p) => `${ROBOT_TASK_PREFIX}${p}`, folders: [dir] });
  cleanup.push(() => link.dispose());
  return { bus, file, dir, base, session, link };
}

let cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanup.reverse()) await c().catch(() => undefined);
  cleanup = [];
});

describe.skipIf(!hasSocat)('the studio robot link on a virtual SO-101', () => {
  it('a dry run reads the arm and jogs only its twin: the twin moves, the bus gets no goal and no torque', async () => {
    const { bus, file, session, link } = await setUp();
    const since = bus.events.length;
    const status = await link.connect(file, undefined, true);
    expect(status).toMatchObject({ mode: 'active', torque: false, dryRun: true });
    await session.setParams('controller', { shoulder_pan: 0.3 });
    const pan = async () => {
      await new Promise((r) => setTimeout(r, 200));
      return link.status().joints[0]!.position;
    };
    await expect.poll(pan, { timeout: 30_000, interval: 100 }).toBeGreaterThan(0.25);
    const servos = await bus.snapshot();
    expect(servos.map((s) => s.goalWrites)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(servos.map((s) => s.position)).toEqual([2048, 2048, 2048, 2048, 2048, 2048]);
    expect(bus.events.slice(since).filter((e) => e.register === 'Torque_Enable' && e.value !== 0)).toEqual([]);
  });

  it('end-effector jogs add up on the goals, never more than JOG_LEAD ahead of where the arm is', async () => {
    const { file, session, link } = await setUp();
    await link.connect(file);
    // Paused: the arm gets no goal and stays where it was read, as a control loop that fell behind.
    session.pause();
    const start = link.status().joints.map((j) => j.position);
    const first = await link.jogEndEffector([0, 0, 0.01]);
    expect(first.joints).toHaveLength(start.length);
    const lead = () => {
      const values = session.snapshot().controller.values;
      return Math.max(...link.status().joints.map((j, i) => Math.abs((values[j.name] as number) - start[i]!)));
    };
    // One small jog moves the goals less than the bound; twenty 4 cm ones would be far beyond it.
    expect(lead()).toBeGreaterThan(0.005);
    expect(lead()).toBeLessThan(JOG_LEAD);
    for (let i = 0; i < 20; i++) await link.jogEndEffector([0, 0, 0.04]);
    expect(lead()).toBeCloseTo(JOG_LEAD, 6);
  });

  it('connects without moving the arm; the emergency stop turns torque off while a controller step is still running', async () => {
    const { bus, file, base, session, link } = await setUp();
    expect(link.list()).toEqual([{ path: file, name: 'so101-follower', role: 'follower', bus: 'feetech', port: bus.port }]);

    const status = await link.connect(file);
    expect(status).toMatchObject({ mode: 'active', torque: true, name: 'so101-follower' });
    expect(status.joints.map((j) => j.name)).toEqual(Object.keys(base.motors));
    expect(status.tool?.body).toBe('gripper_link');
    expect(session.snapshot().robot).toEqual({ name: 'so101-follower', simulated: false });
    await new Promise((r) => setTimeout(r, 500));
    expect((await bus.snapshot()).map((s) => s.goal)).toEqual([2048, 2048, 2048, 2048, 2048, 2048]);

    // A controller that takes 4 s a step; a lock-step step keeps the session's queue busy meanwhile.
    session.pause();
    await session.setController('slow');
    const stepping = session.step(1);
    let stepped = false;
    void stepping.then(() => (stepped = true));
    await new Promise((r) => setTimeout(r, 300));
    const since = bus.events.length;
    const stopped = await link.emergencyStop('test');
    expect(stopped).toMatchObject({ mode: 'stopped', torque: false, stopReason: 'emergency stop: test' });
    for (const id of IDS) await bus.waitFor((e) => e.register === 'Torque_Enable' && e.value === 0 && e.id === id, 5000, since);
    // Torque went off while the controller was still thinking.
    expect(stepped).toBe(false);
    expect((await bus.snapshot()).every((s) => !s.torque)).toBe(true);
    await stepping;
    expect((await link.disconnect()).mode).toBe('disconnected');
  });
});
