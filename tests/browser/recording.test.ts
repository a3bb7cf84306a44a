/**
 * Recording and playback in the studio (Debian's Chromium against the real `actuate serve --runs`):
 * the Record button records a few seconds of the live cart-pole to the recordings folder, the file is
 * opened for playback, and scrubbing the timeline moves the drawn robot and the plots' cursor — the
 * values read out on screen are the file's, read back here with @mcap/core; any recorded field (the
 * pole's velocity) can be picked into a new plot and is drawn. Saves
 * test-results/playback.png. Then the ROS panel puts the live session on a ROS 1 master URI (none
 * answers there: the node keeps trying and says so, and publishes to whoever connects), counts what
 * it publishes (joint states under another name) while the session plays, and disconnects. Saves test-results/ros-panel.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { readRecording } from '../../bridges/recording/read-recording.ts';
import { hasChromium, openStudio, type Studio } from './studio-page.ts';
import { changedFraction, viewportPixels } from './viewport-pixels.ts';

const POLL = { timeout: 30_000, interval: 100 };
const runs = mkdtempSync(join(tmpdir(), 'actuate-recording-browser-'));
let studio: Studio;
let page: Page;

async function simTime(): Promise<number> {
  return Number(/t = ([\d.]+)/.exec((await page.getByTestId('sim-time').textContent()) ?? '')?.[1] ?? 0);
}

async function playbackTime(): Promise<{ t: number; duration: number }> {
  const m = /t = ([\d.]+) \/ ([\d.]+) s/.exec((await page.getByTestId('playback-time').textContent()) ?? '');
  return { t: Number(m?.[1]), duration: Number(m?.[2]) };
}

describe.skipIf(!hasChromium)('recording and playback in the studio', () => {
  beforeAll(async () => {
    studio = await openStudio(['--runs', runs]);
    page = studio.page;
    await page.getByTestId('connection').filter({ hasText: 'connected' }).waitFor({ timeout: 60_000 });
  }, 240_000);

  afterAll(async () => {
    await studio?.close();
    rmSync(runs, { recursive: true, force: true });
  });

  it('records a few seconds of the live session, plays them back and scrubs the timeline', async () => {
    const record = page.getByTestId('record');
    await expect.poll(() => record.isEnabled(), POLL).toBe(true);
    await record.click();
    await expect.poll(() => page.getByTestId('recording-status').textContent(), POLL).toMatch(/recording [\d.]+ s/);
    await page.getByTestId('play').click();
    const deadline = Date.now() + 120_000;
    while ((await simTime()) < 3 && Date.now() < deadline) await page.waitForTimeout(200);
    await page.getByTestId('play').click();
    await expect.poll(async () => (await page.getByTestId('play').textContent())?.includes('Play'), POLL).toBe(true);
    await record.click();
    await expect.poll(() => record.textContent(), POLL).toContain('Record');

    // The file is in the recordings folder, and the path box offers it.
    const files = readdirSync(join(runs, 'recordings'));
    expect(files).toHaveLength(1);
    const file = join(runs, 'recordings', files[0]!);
    await expect.poll(() => page.getByTestId('recording-path').inputValue(), POLL).toBe(file);
    const recording = await readRecording(file);
    expect(recording.indexed).toBe(true);
    const joints = recording.messages.filter((m) => m.topic === '/joint_states');
    expect(joints.length).toBeGreaterThan(100);

    const live = await viewportPixels(page);
    await page.getByTestId('open-recording').click();
    await page.getByTestId('playback').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('recording-bar').count()).toBe(0);
    // The live session's readouts and verdict are not shown over a recording.
    expect(await page.getByTestId('readout-cart-position').count()).toBe(0);
    await expect.poll(async () => (await playbackTime()).duration, POLL).toBeGreaterThan(2.5);
    const { duration } = await playbackTime();
    expect(await page.getByTestId('playback-file').textContent()).toContain('cartpole-swingup');
    // One plot per recorded group, each drawn (uPlot canvases).
    for (const group of ['cost', 'action', 'joint-position']) expect(await page.getByTestId(`playback-plot-${group}`).locator('canvas').count()).toBe(1);

    // At t = 0 the viewport shows the first recorded frame: the pole where the recording began, not where the live session stopped.
    await expect.poll(async () => changedFraction(live, await viewportPixels(page)), POLL).toBeGreaterThan(0.001);
    const start = await viewportPixels(page);
    // The timeline counts from the recording's first message (its settings and scene).
    const t0 = recording.messages.reduce((a, m) => (m.logTime < a ? m.logTime : a), joints[0]!.logTime);
    const first = joints[0]!.data as { name: string[]; position: Float64Array };
    const pole = first.name[first.name.length - 1]!;
    const slug = pole.replace(/[^A-Za-z0-9]+/g, '-');
    const shownAngle = async () => Number(await page.getByTestId(`playback-value-joint-position-${slug}`).textContent());
    expect(await shownAngle()).toBeCloseTo(first.position[first.name.length - 1]!, 3);

    // Scrub to 90 %: the time, the drawn robot and the read-out values follow, and they are the file's.
    const target = Math.round(duration * 0.9 * 1000) / 1000;
    await page.getByTestId('playback-slider').fill(String(target));
    await expect.poll(async () => (await playbackTime()).t, POLL).toBeCloseTo(target, 2);
    const at = [...joints].reverse().find((m) => Number(m.logTime - t0) / 1e9 <= target + 1e-9)!.data as { position: Float64Array };
    await expect.poll(shownAngle, POLL).toBeCloseTo(at.position[first.name.length - 1]!, 3);
    await expect.poll(async () => changedFraction(start, await viewportPixels(page)), POLL).toBeGreaterThan(0.002);

    // Any recorded field plots: a new plot, the pole's velocity picked from the /joint_states topic.
    await page.getByTestId('playback-add-plot').click();
    const added = page.getByTestId('playback-plot-Plot-4');
    await added.waitFor({ timeout: 10_000 });
    const ink = () => added.locator('canvas').evaluate((c: HTMLCanvasElement) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      let yellow = 0;
      for (let i = 0; i < d.length; i += 4) if (d[i]! > 200 && d[i + 1]! > 170 && d[i + 2]! < 120) yellow++;
      return yellow;
    });
    expect(await ink()).toBe(0);
    const velocity = `/joint_states / velocity.${pole}`;
    await page.getByTestId('playback-plot-Plot-4-add').selectOption(velocity);
    const shownVelocity = async () => Number(await page.getByTestId(`playback-value-Plot-4-${slug}`).textContent());
    const atVelocity = [...joints].reverse().find((m) => Number(m.logTime - t0) / 1e9 <= target + 1e-9)!.data as { velocity: Float64Array };
    await expect.poll(shownVelocity, POLL).toBeCloseTo(atVelocity.velocity[first.name.length - 1]!, 3);
    // Its curve is drawn in the plot's first colour.
    await expect.poll(ink, POLL).toBeGreaterThan(50);
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/playback.png' });

    // Play runs the cursor forward to the end and stops there.
    await page.getByTestId('playback-speed').selectOption('4');
    await page.getByTestId('playback-play').click();
    await expect.poll(async () => (await playbackTime()).t, POLL).toBeCloseTo(duration, 2);
    await expect.poll(() => page.getByTestId('playback-play').textContent(), POLL).toContain('Play');

    // Back to the live session.
    await page.getByTestId('playback-close').click();
    await page.getByTestId('recording-bar').waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('playback').count()).toBe(0);
    await page.getByTestId('readout-cart-position').waitFor({ timeout: 10_000 });
  });

  it('the ROS panel connects the live session, counts its messages and disconnects', async () => {
    await page.getByTestId('ros-panel-toggle').click();
    await page.getByTestId('ros-url').fill('localhost:11311');
    await page.getByTestId('ros-connect-button').click();
    await expect.poll(() => page.getByTestId('ros-error').textContent(), POLL).toMatch(/a ROS 1 master URI looks like http:\/\/localhost:11311/);
    // Nothing listens on port 9: the node starts anyway, keeps looking for its master and says so.
    await page.getByTestId('ros-url').fill('http://127.0.0.1:9');
    await page.getByTestId('ros-namespace').fill('studio');
    await page.getByTestId('ros-rate').fill('20');
    await page.getByTestId('ros-connect').locator('summary').click();
    await page.getByTestId('ros-topic-joint_states').fill('js');
    await page.getByTestId('ros-connect-button').click();
    const connection = page.locator('[data-testid^="ros-connection-"]');
    await connection.waitFor({ timeout: 30_000 });
    expect(await connection.textContent()).toContain('http://127.0.0.1:9');
    // joint_states renamed to js, under the namespace.
    const published = page.getByTestId('ros-count-out-/studio/js');
    expect(Number(await published.textContent())).toBe(0);
    await page.getByTestId('play').click();
    await expect.poll(async () => Number(await published.textContent()), POLL).toBeGreaterThan(5);
    await page.getByTestId('play').click();
    expect(await page.getByTestId('ros-count-in-/studio/cmd_vel').textContent()).toBe('0');
    await expect.poll(async () => (await page.locator('[data-testid^="ros-log-"]').textContent()) ?? '', POLL).toMatch(/master/);
    expect(await page.getByTestId('ros-panel-toggle').textContent()).toContain('1 connected');
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/ros-panel.png' });
    await page.locator('[data-testid^="ros-disconnect-"]').click();
    await expect.poll(() => connection.count(), POLL).toBe(0);
    expect(await page.getByTestId('ros-panel-toggle').textContent()).not.toContain('connected');
  });
});
