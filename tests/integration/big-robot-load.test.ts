/**
 * A 50 MB URDF is read and parsed off the engine's event loop: another client keeps receiving frames
 * at ≥ 90 % of its rate while it is parsed (issue 13: 0 frames for 101 s before), and a robot too big to
 * simulate is refused after parsing, on the loader's thread. Building the parsed robot's world is the
 * engine thread's work and is bounded separately.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OffThreadRunner } from '../../engine/off-thread.ts';
import { longestFrameGap, openClient, rate, serveEngine, type Served } from './support/studio-client.ts';

/** A tree of `links` links (link i hangs from link (i−1)/2), padded to about `bytesPerLink` each with a comment. */
function bigUrdf(links: number, bytesPerLink: number): string {
  const parts = ['<?xml version="1.0"?>\n<robot name="big">\n'];
  const box = '<geometry><box size="0.05 0.05 0.05"/></geometry>';
  for (let i = 0; i < links; i++) {
    const pad = `<!-- ${'x'.repeat(Math.max(0, bytesPerLink - 700))} -->`;
    parts.push(
      `<link name="link_${i}"><inertial><mass value="0.1"/><origin xyz="0 0 0"/><inertia ixx="1e-4" iyy="1e-4" izz="1e-4" ixy="0" ixz="0" iyz="0"/></inertial><visual>${box}</visual><collision>${box}</collision>${pad}</link>\n`,
    );
    if (i > 0) {
      parts.push(
        `<joint name="joint_${i}" type="revolute"><parent link="link_${(i - 1) >> 1}"/><child link="link_${i}"/><origin xyz="0 0 0.06"/><axis xyz="0 0 1"/><limit lower="-1" upper="1" effort="1" velocity="1"/></joint>\n`,
      );
    }
  }
  parts.push('</robot>\n');
  return parts.join('');
}

const dir = mkdtempSync(join(tmpdir(), 'actuate-big-robot-'));
const tooMany = join(dir, 'links10k.urdf');
const loadable = join(dir, 'links200.urdf');
let served: Served;

beforeAll(async () => {
  writeFileSync(tooMany, bigUrdf(10_000, 5_000));
  writeFileSync(loadable, bigUrdf(200, 250_000));
  served = await serveEngine({ taskId: 'cartpole-swingup', controllerId: 'zero', robotDirs: [dir], warmLoader: true });
}, 60_000);
afterAll(async () => {
  vi.restoreAllMocks();
  await served?.close();
});

describe('loading a 50 MB URDF', () => {
  it('keeps another client at ≥ 90 % of its frame rate while parsing, and refuses 10,000 links off the event loop', async () => {
    const watcher = await openClient(served.server.port);
    const loader = await openClient(served.server.port);
    await watcher.client.call('play');
    await new Promise((r) => setTimeout(r, 1000));
    const baselineStart = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    const baseline = rate(watcher.frames, baselineStart, performance.now());

    const refusedStart = performance.now();
    await expect(loader.client.call('openRobot', { file: tooMany })).rejects.toThrow(/10000 links; robots of at most 1000 links/);
    const refusedEnd = performance.now();
    const duringRefused = rate(watcher.frames, refusedStart, refusedEnd);

    // Parsing ends when the loader thread's job returns; the engine then builds the robot's world.
    let parsedAt = 0;
    const original = OffThreadRunner.prototype.run;
    vi.spyOn(OffThreadRunner.prototype, 'run').mockImplementation(async function <T>(this: OffThreadRunner, ...args: Parameters<typeof original>) {
      const result = await original.apply(this, args);
      parsedAt = performance.now();
      return result as T;
    });
    const loadStart = performance.now();
    const snapshot = await loader.client.call('openRobot', { file: loadable });
    const loadEnd = performance.now();
    expect(snapshot.task.id).toBe(`robot:${loadable}`);
    expect(parsedAt).toBeGreaterThan(loadStart);
    const duringParse = rate(watcher.frames, loadStart, parsedAt);
    const longestGap = longestFrameGap(watcher.frames, loadStart, loadEnd);

    console.log(
      `50 MB URDF: baseline ${baseline.toFixed(1)} frames/s; 10,000 links refused after ${((refusedEnd - refusedStart) / 1000).toFixed(1)} s at ${duringRefused.toFixed(1)} frames/s; ` +
        `200 links parsed in ${((parsedAt - loadStart) / 1000).toFixed(1)} s at ${duringParse.toFixed(1)} frames/s, loaded in ${((loadEnd - loadStart) / 1000).toFixed(1)} s; longest frame gap ${longestGap.toFixed(0)} ms`,
    );
    expect(duringRefused).toBeGreaterThanOrEqual(0.9 * baseline);
    expect(duringParse).toBeGreaterThanOrEqual(0.9 * baseline);
    // After parsing, the engine's own thread builds the 200-link world (≈ 50 ms), sends the scene and
    // takes the new robot's first step (≈ 80 ms: its overlapping boxes meet in the broad phase):
    // gaps of 115–330 ms measured on this 2-core machine, under 1 s however busy it is.
    expect(longestGap).toBeLessThan(1000);
    watcher.client.close();
    loader.client.close();
  }, 180_000);
});
