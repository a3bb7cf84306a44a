/**
 * A model file a client names for a controller is read and decoded on a worker thread before the
 * engine loads it (issue 13): a 30 MB malformed .onnx is refused, naming the file and quoting none of
 * it, while another client keeps receiving frames; a file over the studio's model limit is refused
 * without being read. Figures go to docs/security.md.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSize } from '../../engine/file-access.ts';
import { CONTROLLER_MODEL_BYTES } from '../../engine/host.ts';
import { GraphBuilder } from '../../models/onnx-builder.ts';
import { openClient, rate, serveEngine, type Served } from './support/studio-client.ts';

const dir = mkdtempSync(join(tmpdir(), 'actuate-big-model-'));
const truncated = join(dir, 'truncated.onnx');
const huge = join(dir, 'huge.onnx');
const SECRET = 'API_KEY=sk-live-0123456789';

/** A 30 MB dynamics model (state, action → next_state) cut short: its protobuf ends inside the weights. */
function truncatedModel(): Uint8Array {
  const g = new GraphBuilder('big-dynamics');
  const x = g.op('Concat', [g.input('state', ['batch', 4]), g.input('action', ['batch', 1])], { axis: { i: 1 } });
  const w = g.constant('w', new Float32Array(5 * 1_500_000).fill(0.001), [5, 1_500_000]);
  g.output(g.op('MatMul', [x, w]), 'next_state', ['batch', 1_500_000]);
  const bytes = g.toBytes();
  return bytes.subarray(0, bytes.byteLength - 1000);
}

/** The longest wait between two frames received in [from, to], ms. */
function longestGapIn(frames: readonly number[], from: number, to: number): number {
  const inWindow = frames.filter((t) => t >= from && t <= to);
  return Math.max(0, ...inWindow.slice(1).map((t, i) => t - inWindow[i]!));
}

let served: Served;
beforeAll(async () => {
  writeFileSync(truncated, Buffer.concat([Buffer.from(truncatedModel()), Buffer.from(SECRET)]));
  writeFileSync(huge, '');
  truncateSync(huge, CONTROLLER_MODEL_BYTES + 1); // sparse: no disk used
  served = await serveEngine({ taskId: 'cartpole-swingup', controllerId: 'zero', modelDirs: [dir] });
}, 60_000);
afterAll(async () => served?.close());

describe('a big model file named for a controller', () => {
  it('is decoded off the event loop: refused by name while another client keeps its frames', async () => {
    const watcher = await openClient(served.server.port);
    const editor = await openClient(served.server.port);
    await watcher.client.call('play');
    await new Promise((r) => setTimeout(r, 1000));
    const baselineStart = performance.now();
    await new Promise((r) => setTimeout(r, 3000));
    const baseline = rate(watcher.frames, baselineStart, performance.now());

    const start = performance.now();
    const messages: string[] = [];
    // Five checks in a row: a window long enough to measure the watcher's rate in.
    for (let i = 0; i < 5; i++) {
      const error = await editor.client.call('setController', { id: 'mppi', params: { dynamics: truncated } }).then(
        () => '',
        (err: Error) => err.message,
      );
      messages.push(error);
    }
    const end = performance.now();
    const during = rate(watcher.frames, start, end);
    const longestGap = longestGapIn(watcher.frames, start, end);
    const baselineGap = longestGapIn(watcher.frames, baselineStart, start);
    const tooBig = await editor.client.call('setController', { id: 'mppi', params: { dynamics: huge } }).then(
      () => '',
      (err: Error) => err.message,
    );
    console.log(
      `30 MB malformed model: 5 checks in ${((end - start) / 1000).toFixed(1)} s; watcher ${baseline.toFixed(1)} frames/s before, ${during.toFixed(1)} during, longest gap ${longestGap.toFixed(0)} ms (${baselineGap.toFixed(0)} ms before)`,
    );

    for (const message of messages) {
      expect(message).toMatch(/truncated\.onnx: not an ONNX model \(protobuf decoding failed/);
      expect(message).not.toContain('API_KEY');
    }
    expect(tooBig).toContain(`huge.onnx: ${formatSize(CONTROLLER_MODEL_BYTES + 1)} is over the ${formatSize(CONTROLLER_MODEL_BYTES)} limit for models a controller runs in the studio`);
    expect((await editor.client.call('getSession')).controller.id).toBe('zero');
    // Decoding one copy takes ~0.7–1.5 s here; on the engine's thread the five would stop frames for most
    // of the window. Off it, frames keep coming (the decoder's thread still takes a share of 2 busy cores:
    // 74–100 % of the rate measured, longest gap 0.2–0.7 s with the machine's load at 15).
    expect(during).toBeGreaterThanOrEqual(0.5 * baseline);
    watcher.client.close();
    editor.client.close();
  }, 120_000);
});
