/**
 * The Robot panel in Debian's Chromium against the real `actuate serve` and a virtual SO-101 (six
 * STS3215 servos on a socat pty): connect its robot.json from a --robots folder, see its joints live,
 * jog two joints and then the gripper (end effector, through the model's kinematics) from the keyboard
 * and from a gamepad (a fake navigator.getGamepads: our mapping — deadman, rates — under the browser's
 * real polling, not the browser's gamepad plumbing), and watch the goals reach the bus, then EMERGENCY
 * STOP (the button, and after reconnecting the Esc key and the gamepad's B): torque off in the studio
 * and Torque_Enable = 0 on every servo (a bus read that fails on the way is skipped, the studio stays
 * up); then the guided calibration: torque off, Set middle (homing offsets on the bus), live range bars
 * while the virtual servos are swept, saved into the robot.json.
 * Saves test-results/robot-panel.png and robot-calibration.png.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { VirtualBusProcess } from '../../bridges/virtual-bus/harness.ts';
import { hasChromium, openStudio, PAD, setFakePad, type Studio } from './studio-page.ts';

const hasSocat = spawnSync('socat', ['-V']).status === 0;
const POLL = { timeout: 30_000, interval: 100 };
const FOLLOWER = fileURLToPath(new URL('../../bridges/configs/so101-follower.robot.json', import.meta.url));
const URDF = fileURLToPath(new URL('../../assets/robots/so101/so101_new_calib.urdf', import.meta.url));
const IDS = [1, 2, 3, 4, 5, 6];
/**
 * Control periods the goals must hold still to count as stopped. Counted in the arm's own goal writes,
 * not in wall time: on a loaded machine its control loop can pause for longer than any fixed wait.
 */
const STILL_PERIODS = 5;

let studio: Studio;
let page: Page;
let bus: VirtualBusProcess;
let configFile: string;
/** Uncaught errors in the page (an error while drawing takes the whole studio down, E-stop and all). */
const pageErrors: string[] = [];

type Servos = Awaited<ReturnType<VirtualBusProcess['snapshot']>>;
const goalsOf = (servos: Servos) => servos.map((s) => Number(s.goal));
/** Goal_Position writes so far: one per control period of the arm (a sync write reaches every servo). */
const periodsOf = (servos: Servos) => Number(servos[0]!.goalWrites);

async function goals(): Promise<number[]> {
  return goalsOf(await bus.snapshot());
}

/** The goals after `count` more control periods of the arm (polling, up to POLL's timeout). */
async function goalsAfterPeriods(count: number): Promise<number[]> {
  const from = periodsOf(await bus.snapshot());
  let now: Servos = [];
  await expect.poll(async () => periodsOf((now = await bus.snapshot())) - from, POLL).toBeGreaterThanOrEqual(count);
  return goalsOf(now);
}

/** The goals once the arm has been sent the same ones for STILL_PERIODS control periods in a row (polling, up to POLL's timeout). */
async function settledGoals(): Promise<number[]> {
  let since = await bus.snapshot();
  await expect
    .poll(async () => {
      const now = await bus.snapshot();
      if (goalsOf(now).join() !== goalsOf(since).join()) since = now;
      return periodsOf(now) - periodsOf(since) >= STILL_PERIODS;
    }, POLL)
    .toBe(true);
  return goalsOf(since);
}

async function connectArm(): Promise<void> {
  await page.getByTestId('robot-config').selectOption({ label: 'so101-test-arm (follower, feetech)' });
  await expect.poll(() => page.getByTestId('robot-port').inputValue(), POLL).toBe(bus.port);
  await page.getByTestId('robot-connect').click();
  await expect.poll(() => page.getByTestId('robot-torque').textContent(), { ...POLL, timeout: 60_000 }).toBe('torque on');
}

/** Every servo got a Torque_Enable = 0 write after event `since`, and reports torque off. */
async function torqueOffOnBus(since: number): Promise<void> {
  for (const id of IDS) await bus.waitFor((e) => e.event === 'write' && e.register === 'Torque_Enable' && e.value === 0 && e.id === id, 10_000, since);
  expect((await bus.snapshot()).every((s) => !s.torque)).toBe(true);
}

describe.skipIf(!hasChromium || !hasSocat)('Robot panel with a virtual SO-101', () => {
  beforeAll(async () => {
    bus = await VirtualBusProcess.start('feetech', IDS.map((id) => ({ id, model: 'sts3215' })));
    const dir = realpathSync(mkdtempSync(join(tmpdir(), 'actuate-robots-')));
    const base = JSON.parse(readFileSync(FOLLOWER, 'utf8'));
    // Calibrated: ±90° around the middle (2048 ticks = 0 rad, where the virtual servos start).
    const cal = { homingOffset: 0, direction: 1, rangeMin: 1024, rangeMax: 3072 };
    configFile = join(dir, 'test-arm.robot.json');
    writeFileSync(configFile, JSON.stringify({
      ...base,
      name: 'so101-test-arm',
      robotModel: URDF,
      bus: { ...base.bus, port: bus.port, timeoutMs: 250 },
      calibration: Object.fromEntries(Object.keys(base.motors).map((j) => [j, cal])),
      // The studio may sit paused between steps of this test on a busy machine: no watchdog trips meanwhile.
      safety: { ...base.safety, commandTimeoutMs: 30_000, torqueOffAfterMs: 60_000 },
    }));
    studio = await openStudio(['--robots', dir], { fakeGamepad: true });
    page = studio.page;
    page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message));
    await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
  }, 240_000);

  // Said at once, not as a later test's timeout waiting for a panel that is gone.
  afterEach(() => expect(pageErrors).toEqual([]));

  afterAll(async () => {
    await studio?.close();
    await bus?.stop();
  });

  it('connects the arm without moving it, jogs two joints and the gripper from the keyboard, and the E-stop button turns torque off in the studio and on the bus', async () => {
    await page.getByTestId('robot-panel-toggle').click();
    // The panel asks the engine for the robot files when it opens: wait for the answer.
    await expect
      .poll(() => page.getByTestId('robot-config').locator('option').allTextContents(), POLL)
      .toEqual(expect.arrayContaining(['so101-follower (follower, feetech)', 'so101-leader (leader, feetech)', 'so101-test-arm (follower, feetech)']));
    await connectArm();
    await expect.poll(() => page.getByTestId('robot-mode').textContent(), POLL).toBe('active');
    for (const id of IDS) await bus.waitFor((e) => e.register === 'Torque_Enable' && e.value === 1 && e.id === id, 10_000);
    // Connecting moved nothing: the goals are where the servos are.
    expect(await goals()).toEqual([2048, 2048, 2048, 2048, 2048, 2048]);
    await expect.poll(async () => Number(await page.getByTestId('robot-joint-shoulder_pan-position').textContent()), POLL).toBeCloseTo(0, 2);
    // The viewport draws the arm's model (free play of its URDF), posed from the readings.
    expect(await page.getByTestId('task-select').inputValue()).toMatch(/so101_new_calib\.urdf$/);

    // Keyboard: the first joint (shoulder_pan) is selected; → five times, then ↓ and Shift+← once.
    // (A click on the table's header focuses the jog area without picking a joint.)
    await page.getByTestId('robot-jog').locator('thead').click();
    for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowLeft');
    // 5 × 0.02 rad = 0.1 rad = 65 ticks on shoulder_pan (ID 1); −0.1 rad on shoulder_lift (ID 2).
    await expect.poll(async () => (await goals()).slice(0, 3), POLL).toEqual([2048 + 65, 2048 - 65, 2048]);
    await expect.poll(async () => Number(await page.getByTestId('robot-joint-shoulder_pan-position').textContent()), POLL).toBeGreaterThan(0.08);
    await expect.poll(async () => Number(await page.getByTestId('robot-joint-shoulder_lift-position').textContent()), POLL).toBeLessThan(-0.08);

    // End effector: R three times lifts the gripper 15 mm through the arm's kinematics (several joints move).
    const toolZ = async () => Number((await page.getByTestId('robot-tool-position').textContent())!.split(' ')[2]);
    const z0 = await toolZ();
    const before = await goals();
    for (let i = 0; i < 3; i++) await page.keyboard.press('r');
    await expect.poll(async () => (await toolZ()) - z0, POLL).toBeGreaterThan(0.012);
    expect(await toolZ() - z0).toBeLessThan(0.018);
    const after = await goals();
    expect(after.filter((g, i) => Math.abs(g - before[i]!) > 2).length).toBeGreaterThanOrEqual(2);
    expect(after[5]).toBe(before[5]);

    // Gamepad: the right stick up without the deadman (LB) moves nothing; with LB and RB (full rate,
    // 50 mm/s) the gripper rises; releasing LB stops the goals where they are.
    await setFakePad(page, [PAD.RB], [0, 0, 0, -1]);
    await expect.poll(() => page.getByTestId('robot-gamepad').textContent(), POLL).toContain('Fake pad');
    // (From where the keyboard's jogs left the arm: held still, then as still as long again.)
    const held = await settledGoals();
    expect(await goalsAfterPeriods(STILL_PERIODS)).toEqual(held);
    const z1 = await toolZ();
    await setFakePad(page, [PAD.LB, PAD.RB], [0, 0, 0, -1]);
    await expect.poll(async () => (await toolZ()) - z1, POLL).toBeGreaterThan(0.01);
    await setFakePad(page, [PAD.RB], [0, 0, 0, -1]);
    // The release reaches the engine a frame or two of the page later, and the arm then reaches the last
    // jog's goals within the safety layer's speed limit: a few control periods (more on a busy machine).
    const stopped = await settledGoals();
    expect(await goalsAfterPeriods(STILL_PERIODS)).toEqual(stopped);
    await setFakePad(page, null);

    const since = bus.events.length;
    await page.getByTestId('robot-estop').click();
    await expect.poll(() => page.getByTestId('robot-torque').textContent(), POLL).toBe('torque off');
    expect(await page.getByTestId('robot-mode').textContent()).toBe('stopped');
    expect(await page.getByTestId('robot-stop-reason').textContent()).toMatch(/emergency stop: studio button/);
    expect(await page.getByTestId('robot-counters').textContent()).toMatch(/emergencyStops 1/);
    await torqueOffOnBus(since);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/robot-panel.png' });
  }, 240_000);

  it('after reconnecting, a bus read that fails is skipped with the studio up, and Esc stops the arm from anywhere in the studio', async () => {
    await page.getByTestId('robot-disconnect').click();
    await page.getByTestId('robot-connect').waitFor({ timeout: 30_000 });
    await connectArm();
    // Servo 3 garbles its next three replies: one sync read fails after its two retries (as a bus read
    // that times out on a busy machine does) and its reading has no velocities. That control period is
    // skipped: the arm stays active, and the episode return — which a NaN would keep for good — stays a
    // number in a frame of simulated time well after it.
    await bus.inject({ op: 'corrupt', id: 3, count: 3 });
    await goalsAfterPeriods(STILL_PERIODS);
    expect(await page.getByTestId('robot-mode').textContent()).toBe('active');
    const simTime = async () => Number(/t = (\S+) s/.exec((await page.getByTestId('sim-time').textContent()) ?? '')?.[1]);
    const t0 = await simTime();
    await expect
      .poll(async () => ((await simTime()) > t0 + 1 ? page.getByTestId('episode-return').textContent() : 'not yet'), POLL)
      .toMatch(/^-?\d+\.\d\d$/);
    const since = bus.events.length;
    // Focus away from the panel: the key works wherever the focus is.
    await page.getByTestId('viewport').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('robot-torque').textContent(), POLL).toBe('torque off');
    expect(await page.getByTestId('robot-stop-reason').textContent()).toMatch(/Esc pressed/);
    await torqueOffOnBus(since);
  }, 240_000);

  it('after reconnecting, the gamepad\'s B button stops the arm', async () => {
    await page.getByTestId('robot-disconnect').click();
    await page.getByTestId('robot-connect').waitFor({ timeout: 30_000 });
    await connectArm();
    const since = bus.events.length;
    await setFakePad(page, [PAD.B]);
    await expect.poll(() => page.getByTestId('robot-torque').textContent(), POLL).toBe('torque off');
    expect(await page.getByTestId('robot-stop-reason').textContent()).toMatch(/gamepad B pressed/);
    await torqueOffOnBus(since);
    await setFakePad(page, null);
  }, 240_000);

  it('calibrates the arm step by step: torque off, middle, live ranges, saved into its robot.json; a shipped template is refused', async () => {
    await page.getByTestId('robot-disconnect').click();
    await page.getByTestId('robot-connect').waitFor({ timeout: 30_000 });
    await page.getByTestId('robot-config').selectOption({ label: 'so101-follower (follower, feetech)' });
    await page.getByTestId('robot-calibrate').click();
    await expect.poll(() => page.getByTestId('robot-error').textContent(), POLL).toMatch(/shipped template: copy it into a --robots folder/);

    await page.getByTestId('robot-config').selectOption({ label: 'so101-test-arm (follower, feetech)' });
    await expect.poll(() => page.getByTestId('robot-port').inputValue(), POLL).toBe(bus.port);
    const since = bus.events.length;
    await page.getByTestId('robot-calibrate').click();
    await expect.poll(() => page.getByTestId('calibration').getAttribute('data-step'), POLL).toBe('middle');
    expect((await bus.snapshot()).every((s) => !s.torque)).toBe(true);
    // The hand puts every joint in the middle; Set middle writes each servo's homing offset.
    for (const id of IDS) await bus.inject({ op: 'move', id, position: 2048 });
    await page.getByTestId('calibration-middle').click();
    await expect.poll(() => page.getByTestId('calibration').getAttribute('data-step'), POLL).toBe('range');
    for (const id of IDS) await bus.waitFor((e) => e.event === 'write' && e.register === 'Homing_Offset' && e.id === id && e.value !== 0, 10_000, since);
    // Then sweeps every joint between 1000 and 3100: the bars show the recorded range live.
    // (A hand is slow: each end is held until the bars have it.)
    const ranges = () => page.getByTestId('calibration').locator('[data-testid$="-range"]').allTextContents();
    // Recording has begun once the bars show the middle pose (a busy machine reads it late).
    await expect.poll(ranges, POLL).toEqual(IDS.map(() => '2047…2047'));
    for (const [position, shown] of [[1000, '1000…2047'], [3100, '1000…3100']] as const) {
      for (const id of IDS) await bus.inject({ op: 'move', id, position });
      await expect.poll(ranges, POLL).toEqual(IDS.map(() => shown));
    }
    await page.screenshot({ path: 'test-results/robot-calibration.png' });
    await page.getByTestId('calibration-finish').click();
    await expect.poll(() => page.getByTestId('calibration-saved').textContent(), POLL).toBe(`Saved to ${configFile}`);
    const saved = JSON.parse(readFileSync(configFile, 'utf8'));
    for (const joint of Object.keys(saved.motors)) expect(saved.calibration[joint]).toMatchObject({ rangeMin: 1000, rangeMax: 3100, direction: 1 });
    // Everything else in the file is kept (the test's port and safety settings).
    expect(saved.bus.port).toBe(bus.port);
    expect(saved.safety.commandTimeoutMs).toBe(30_000);
    expect(await page.getByTestId('calibration-result-gripper').textContent()).toContain('10003100');
    await page.getByTestId('calibration-close').click();
    await page.getByTestId('robot-connect').waitFor({ timeout: 30_000 });
  }, 240_000);
});
