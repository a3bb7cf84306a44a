/**
 * The studio in Debian's Chromium against the real `actuate serve`: it loads, draws the scene, plays,
 * a cost-weight slider changes what the controller does, a model picked for a neural controller shows
 * its card, the shipped Go2-W policy drives its robot, and the viewport draws joint frames and contacts on
 * request. Saves test-results/studio.png, model-card.png, overlays.png, go2w.png and so101.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { hasChromium, openStudio, startServer, type Studio } from './studio-page.ts';

/** SwiftShader on two busy cores is slow: give on-screen changes time to appear. */
const POLL = { timeout: 30_000, interval: 100 };

let studio: Studio;
let page: Page;

/**
 * Fraction of viewport pixels that differ from the background, and how many distinct colours, on a
 * `width` × `height` copy (thin lines need a finer copy than the default to show).
 */
async function canvasStats(width = 160, height = 100): Promise<{ drawn: number; colours: number; sample: number[] }> {
  return page.evaluate(([width, height]) => {
    const canvas = document.querySelector('[data-testid="viewport"] canvas') as HTMLCanvasElement;
    const copy = document.createElement('canvas');
    copy.width = width;
    copy.height = height;
    const ctx = copy.getContext('2d')!;
    ctx.drawImage(canvas, 0, 0, copy.width, copy.height);
    const data = ctx.getImageData(0, 0, copy.width, copy.height).data;
    let drawn = 0;
    const colours = new Set<number>();
    const sample: number[] = [];
    for (let i = 0; i < data.length; i += 4) {
      const [r, g, b] = [data[i]!, data[i + 1]!, data[i + 2]!];
      if (Math.abs(r - 0x14) + Math.abs(g - 0x17) + Math.abs(b - 0x1c) > 24) drawn++;
      colours.add((r >> 3) * 1024 + (g >> 3) * 32 + (b >> 3));
      sample.push(r + g + b);
    }
    return { drawn: drawn / (data.length / 4), colours: colours.size, sample };
  }, [width, height] as const);
}

/** Fraction of sampled viewport pixels whose brightness changed noticeably between two captures. */
function changedFraction(a: { sample: number[] }, b: { sample: number[] }): number {
  return b.sample.filter((v, i) => Math.abs(v - a.sample[i]!) > 30).length / b.sample.length;
}

async function resetAndWait(): Promise<void> {
  await page.getByTestId('reset').click();
  await expect.poll(simTime, POLL).toBeLessThan(0.1);
}

async function readNumber(testId: string): Promise<number> {
  return Number(await page.getByTestId(testId).textContent());
}

async function simTime(): Promise<number> {
  return Number(/t = ([\d.]+)/.exec((await page.getByTestId('sim-time').textContent()) ?? '')?.[1] ?? 0);
}

/** Plays until the simulation clock passes `seconds`, recording |pole angle| along the way. */
async function playFor(seconds: number): Promise<number[]> {
  const angles: number[] = [];
  await page.getByTestId('play').click();
  await expect.poll(async () => (await page.getByTestId('play').textContent())?.includes('Pause'), POLL).toBe(true);
  const deadline = Date.now() + 90_000;
  while ((await simTime()) < seconds && Date.now() < deadline) {
    const a = await readNumber('readout-pole-angle-from-upright');
    if (Number.isFinite(a)) angles.push(Math.abs(a));
    await page.waitForTimeout(100);
  }
  await page.getByTestId('play').click();
  return angles;
}

describe.skipIf(!hasChromium)('studio in the browser', () => {
  beforeAll(async () => {
    studio = await openStudio();
    page = studio.page;
    await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
  }, 180_000);

  afterAll(async () => {
    await studio?.close();
  });

  it('loads with the task and controller pickers filled from the engine', async () => {
    await expect.poll(() => page.getByTestId('task-select').inputValue(), POLL).toBe('cartpole-swingup');
    expect(await page.getByTestId('controller-select').inputValue()).toBe('mppi');
    // Signed in from the printed address, as a user is: the token went into a cookie and left the address bar.
    expect(studio.url).toMatch(/\?token=[\w-]{20,}/);
    expect(page.url()).not.toContain('token');
    const tasks = await page.getByTestId('task-select').locator('option').allTextContents();
    expect(tasks).toContain('Push box to goal');
    for (const term of ['upright', 'centered', 'velocity', 'control']) await expect.poll(() => page.getByTestId(`param-cost-${term}`).count(), POLL).toBe(1);
    for (const key of ['samples', 'horizon', 'temperature', 'noise']) expect(await page.getByTestId(`param-controller-${key}`).count()).toBe(1);
  });

  it('draws the scene in the viewport (not a blank canvas)', async () => {
    await page.waitForTimeout(1000);
    const stats = await canvasStats();
    expect(stats.drawn).toBeGreaterThan(0.05); // grid, rail, cart and pole
    expect(stats.colours).toBeGreaterThan(20);
  });

  it('moves the cart when playing', async () => {
    await page.getByTestId('step').click();
    await expect.poll(() => readNumber('readout-cart-position'), POLL).not.toBeNaN();
    const before = await canvasStats();
    const x0 = await readNumber('readout-cart-position');
    await playFor(1);
    const x1 = await readNumber('readout-cart-position');
    expect(Math.abs(x1 - x0)).toBeGreaterThan(0.05);
    expect(changedFraction(before, await canvasStats())).toBeGreaterThan(0.002);
    expect(await page.getByTestId('timing').textContent()).toMatch(/physics [\d.]+ µs · plan [\d.]+ ms/);
  });

  it("changes the controller's behaviour when a cost weight slider moves", async () => {
    // Default weights: MPPI swings the pole towards upright within 2 s.
    await resetAndWait();
    const withUpright = await playFor(2);
    // Upright weight to zero through the slider itself (keyboard Home = its minimum): the planner no
    // longer cares where the pole points.
    const slider = page.getByTestId('param-cost-upright');
    await slider.focus();
    await slider.press('Home');
    await expect.poll(() => page.getByTestId('param-cost-upright-value').inputValue(), POLL).toBe('0');
    await resetAndWait();
    const withoutUpright = await playFor(2);
    expect(Math.min(...withUpright)).toBeLessThan(1.2);
    expect(Math.min(...withoutUpright)).toBeGreaterThan(2);
    // Back to the default through the number box, and a screenshot mid-swing with the plan drawn.
    await page.getByTestId('param-cost-upright-value').fill('10');
    await expect.poll(() => slider.inputValue(), POLL).toBe('10');
    await resetAndWait();
    await playFor(1.5);
    await page.waitForTimeout(500);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/studio.png' });
  });

  it('keeps the camera where the user put it when a parameter changes', async () => {
    const box = (await page.getByTestId('viewport').boundingBox())!;
    const before = await canvasStats();
    // Orbit: drag across the middle of the viewport.
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.45, { steps: 8 });
    await page.mouse.up();
    await page.waitForTimeout(500);
    const orbited = await canvasStats();
    expect(changedFraction(before, orbited)).toBeGreaterThan(0.01);
    // Every setParams answer carries the scene: the view must neither rebuild nor re-frame.
    await page.getByTestId('param-cost-centered-value').fill('5');
    await expect.poll(() => page.getByTestId('param-cost-centered').inputValue(), POLL).toBe('5');
    await page.waitForTimeout(1000);
    expect(changedFraction(orbited, await canvasStats())).toBeLessThan(0.003);
    await page.getByTestId('param-cost-centered-value').fill('10');
  });

  it('toggles play with the space bar', async () => {
    await page.locator('body').click({ position: { x: 5, y: 400 } }).catch(() => undefined);
    await page.getByTestId('viewport').click();
    await page.keyboard.press('Space');
    await expect.poll(async () => page.getByTestId('play').textContent(), POLL).toContain('Pause');
    await page.keyboard.press('Space');
    await expect.poll(async () => page.getByTestId('play').textContent(), POLL).toContain('Play');
  });

  it('draws joint frames and contacts on request, and keeps the toggles across scene rebuilds', async () => {
    const jointFrames = page.getByTestId('show-joint-frames');
    const contacts = page.getByTestId('show-contacts');
    expect(await jointFrames.isChecked()).toBe(false);
    expect(await contacts.isChecked()).toBe(false);
    await page.waitForTimeout(500);
    const fine = [530, 280] as const;
    const plain = await canvasStats(...fine);
    // Cart-pole: a slider and a hinge, each with its triad and axis arrow.
    await jointFrames.check();
    await expect.poll(async () => page.getByTestId('joint-frame-count').textContent(), POLL).toBe('joint frames: 2');
    await page.waitForTimeout(500);
    expect(changedFraction(plain, await canvasStats(...fine))).toBeGreaterThan(0.0005);
    // A scene with ground contact: the box rests on the table on its four bottom corners. The zero
    // controller leaves it there (and steps fast on a busy machine).
    await page.getByTestId('task-select').selectOption('push-box');
    await expect.poll(() => page.getByTestId('param-task-boxMass').count(), POLL).toBe(1);
    await page.getByTestId('controller-select').selectOption('zero');
    await expect.poll(() => page.getByTestId('controller-select').inputValue(), POLL).toBe('zero');
    expect(await jointFrames.isChecked()).toBe(true);
    await expect.poll(async () => page.getByTestId('joint-frame-count').textContent(), POLL).toBe('joint frames: 2');
    await page.getByTestId('step').click();
    await page.waitForTimeout(500);
    const withoutContacts = await canvasStats(...fine);
    await contacts.check();
    await expect.poll(async () => Number(/contacts: (\d+)/.exec((await page.getByTestId('contact-count').textContent()) ?? '')?.[1] ?? 0), POLL).toBe(4);
    // 0.3 kg box: its weight, 2.94 N, on the table.
    await expect.poll(async () => Number(/([\d.]+) N/.exec((await page.getByTestId('contact-force').textContent()) ?? '')?.[1] ?? 0), POLL).toBeCloseTo(2.94, 1);
    await page.getByTestId('step').click();
    await page.waitForTimeout(500);
    expect(changedFraction(withoutContacts, await canvasStats(...fine))).toBeGreaterThan(0.0005);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/overlays.png' });
    // Rebuilding the scene (a task parameter) keeps both overlays on and the contacts coming.
    await page.getByTestId('param-task-boxMass-value').fill('0.6');
    await page.getByTestId('step').click();
    await expect.poll(async () => Number(/([\d.]+) N/.exec((await page.getByTestId('contact-force').textContent()) ?? '')?.[1] ?? 0), POLL).toBeCloseTo(5.89, 1);
    expect(await contacts.isChecked()).toBe(true);
    await jointFrames.uncheck();
    await contacts.uncheck();
    await expect.poll(() => page.getByTestId('overlay-legend').count(), POLL).toBe(0);
  });

  it("loads a neural controller's model from the picker and shows its card", async () => {
    await page.getByTestId('controller-select').selectOption('diffusion-policy');
    // Still waiting for its denoiser: selected, holding, and the banner says what it needs.
    await expect.poll(async () => page.getByTestId('error').textContent(), POLL).toContain('needs controller.model');
    const policy = new URL('../../models/go2w_robot_lab/policy.onnx', import.meta.url).pathname;
    const picker = page.getByTestId('param-controller-model-pick');
    await expect.poll(() => picker.locator('option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)), POLL).toContain(policy);
    await picker.selectOption(policy);
    await expect.poll(() => page.getByTestId('param-controller-model').inputValue(), POLL).toBe(policy);
    // The card found for it in models/cards/, with the model's own shapes.
    await expect.poll(async () => page.getByTestId('model-card-name').textContent(), POLL).toBe('go2w_robot_lab');
    expect(await page.getByTestId('model-card-inputs').textContent()).toContain('[1, 57]');
    expect(await page.getByTestId('model-card-outputs').textContent()).toContain('[1, 16]');
    expect(await page.getByTestId('model-card-joints').locator('li').count()).toBe(16);
    expect(await page.getByTestId('model-card-terms').textContent()).toContain('projected_gravity');
    expect(await page.getByTestId('model-card').textContent()).toContain('Apache-2.0');
    // A velocity policy is no denoiser: the controller says why it cannot start, and the studio carries on.
    await expect.poll(async () => page.getByTestId('error').textContent(), POLL).toContain('without a card the denoiser');
    await page.getByTestId('model-card-name').scrollIntoViewIfNeeded();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/model-card.png' });
    // A file that is not a model (and outside the folders the studio may open): the engine refuses it
    // before opening it, the toast says why, and the running choice stays.
    const notAModel = new URL('../../README.md', import.meta.url).pathname;
    await page.getByTestId('param-controller-model').fill(notAModel);
    await page.getByTestId('param-controller-model').press('Enter');
    await expect.poll(async () => (await page.getByTestId('toast').allTextContents()).join('\n'), POLL).toContain(`${notAModel}: models end in .onnx`);
    expect(await page.getByTestId('connection').textContent()).toContain('connected');
    await page.getByTestId('controller-select').selectOption('mppi');
    await expect.poll(() => page.getByTestId('error').count(), POLL).toBe(0);
  });

  it('drives the Go2-W with the shipped robot_lab policy and its live command slider', async () => {
    await page.getByTestId('task-select').selectOption('go2w-walk');
    await page.getByTestId('controller-select').selectOption('onnx-policy');
    await expect.poll(async () => page.getByTestId('model-card-name').textContent(), { ...POLL, timeout: 60_000 }).toBe('go2w_robot_lab');
    await page.getByTestId('param-controller-vx-value').fill('0.5');
    await page.getByTestId('param-controller-vx-value').press('Enter');
    await page.getByTestId('play').click();
    await expect.poll(() => readNumber('readout-forward-speed'), { timeout: 90_000, interval: 200 }).toBeGreaterThan(0.15);
    await page.getByTestId('play').click();
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/go2w.png' });
    expect(await readNumber('readout-base-height')).toBeGreaterThan(0.3);
    expect(await page.getByTestId('model-card').textContent()).toMatch(/policy rate Hz\s*50/);
  });

  it('opens the SO-101 as a free-play scene and jogs a joint with its slider', async () => {
    const file = new URL('../../assets/robots/so101/so101_new_calib.xml', import.meta.url).pathname;
    await page.getByTestId('robot-path').fill(file);
    await page.getByTestId('open-robot').click();
    await page.getByTestId('param-controller-shoulder_lift').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('controller-select').inputValue()).toBe('jog');
    await page.waitForTimeout(1000);
    const before = await canvasStats();
    expect(before.drawn).toBeGreaterThan(0.05); // the arm's meshes are drawn
    await page.getByTestId('param-controller-shoulder_lift-value').fill('-1');
    await page.getByTestId('param-controller-elbow_flex-value').fill('1.2');
    await page.getByTestId('play').click();
    await expect.poll(() => readNumber('readout-shoulder_lift'), { timeout: 30_000 }).toBeLessThan(-0.9);
    await page.getByTestId('play').click();
    await page.waitForTimeout(500);
    expect(changedFraction(before, await canvasStats())).toBeGreaterThan(0.01);
    await page.screenshot({ path: 'test-results/so101.png' });
  });

  it('shows an engine error as a toast and keeps running', async () => {
    await page.getByTestId('robot-path').fill('/no/such/robot.urdf');
    await page.getByTestId('open-robot').click();
    await expect.poll(async () => page.getByTestId('toast').first().textContent(), POLL).toContain('robot.urdf');
    expect(await page.getByTestId('task-select').inputValue()).toMatch(/^robot:/);
  });

  it('shows a lost engine as disconnected and keeps retrying', async () => {
    const server = await startServer();
    let other: Page | undefined;
    try {
      other = await page.context().browser()!.newPage();
      await other.goto(server.url);
      await other.getByTestId('connection').filter({ hasText: 'connected' }).waitFor({ timeout: 30_000 });
      server.process.kill('SIGTERM');
      await expect.poll(async () => other!.getByTestId('connection').textContent(), POLL).toContain('disconnected — retrying');
    } finally {
      server.process.kill('SIGKILL');
      await other?.close();
    }
  });
});
