import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { McapIndexedReader } from '@mcap/core';
import type { SceneDescription } from '../../protocol/scene.ts';
import { readRecording } from './read-recording.ts';
import { summarizeRecording } from './recording-summary.ts';
import { SessionRecorder } from './session-recorder.ts';

const dir = mkdtempSync(join(tmpdir(), 'actuate-recording-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Two bodies: a fixed base and a link on a revolute joint about z, driven by one motor. */
const scene: SceneDescription = {
  name: 'hinge',
  gravity: [0, 0, -9.81],
  timestep: 0.01,
  solverIterations: 4,
  bodies: [
    { name: 'base', kind: 'fixed', pose: { position: [0, 0, 0] }, geoms: [] },
    { name: 'link', kind: 'dynamic', pose: { position: [0, 0, 0] }, geoms: [] },
  ],
  joints: [{ name: 'hinge', type: 'revolute', parent: 0, child: 1, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0], axis: [0, 0, 1] }],
  actuators: [{ name: 'motor', joint: 0, kind: 'motor', gear: 1, ctrlRange: [-1, 1] }],
  markers: [],
} as unknown as SceneDescription;

/** Body states with the link turned by `angle` about z and spinning at `rate`. */
function stateAt(angle: number, rate: number): Float64Array {
  const s = new Float64Array(26);
  s[6] = 1;
  s.set([0, 0, 0, 0, 0, Math.sin(angle / 2), Math.cos(angle / 2), 0, 0, 0, 0, 0, rate], 13);
  return s;
}

function record(path: string, steps: number, options: { flushSeconds?: number } = {}): SessionRecorder {
  const recorder = new SessionRecorder(path, { startedAtMs: Date.UTC(2026, 0, 1), ...options });
  recorder.setScene(0, scene);
  recorder.settings(0, { task: 't', taskParams: { a: 1 }, controller: 'c', controllerParams: {}, costWeights: { effort: 0.5 }, seed: 3 }, ['effort']);
  for (let k = 1; k <= steps; k++) {
    const t = k * 0.02;
    recorder.step({ time: t, state: stateAt(0.01 * k, 0.5), action: Float64Array.of(Math.sin(t)), costTerms: Float64Array.of(k), cost: k });
    recorder.command(t, [2 * Math.sin(t)], { action: Float64Array.of(Math.sin(t)), clamped: 1 });
  }
  return recorder;
}

describe('SessionRecorder', () => {
  it('reads back, through the index, exactly what was recorded', async () => {
    const path = join(dir, 'clean.mcap');
    record(path, 100).close();
    const rec = await readRecording(path);
    expect(rec.indexed).toBe(true);
    expect(rec.profile).toBe('actuate');
    const on = (topic: string) => rec.messages.filter((m) => m.topic === topic);
    expect(on('/actuate/settings')[0]!.data).toEqual({ task: 't', taskParams: { a: 1 }, controller: 'c', controllerParams: {}, costWeights: { effort: 0.5 }, seed: 3 });
    expect((on('/actuate/scene')[0]!.data as { joints: unknown[] }).joints).toHaveLength(1);
    const joints = on('/joint_states');
    expect(joints).toHaveLength(100);
    expect(joints[49]!.schemaName).toBe('sensor_msgs/JointState');
    const j50 = joints[49]!.data as { name: string[]; position: Float64Array; velocity: Float64Array; header: { stamp: { sec: number; nsec: number } } };
    expect(j50.name).toEqual(['hinge']);
    expect(j50.position[0]).toBeCloseTo(0.5, 9);
    expect(j50.velocity[0]).toBeCloseTo(0.5, 9);
    expect(j50.header.stamp).toEqual({ sec: Date.UTC(2026, 0, 1) / 1000 + 1, nsec: 0 });
    expect(joints[49]!.logTime).toBe(BigInt(Date.UTC(2026, 0, 1)) * 1_000_000n + 1_000_000_000n);
    // The fixed base is sent once; the link every step.
    const tf = on('/tf').map((m) => (m.data as { transforms: { child_frame_id: string }[] }).transforms.map((t) => t.child_frame_id));
    expect(tf[0]).toEqual(['base', 'link']);
    expect(tf[1]).toEqual(['link']);
    expect(on('/control/action').map((m) => (m.data as { values: { motor: number } }).values.motor)).toEqual(
      Array.from({ length: 100 }, (_, k) => Math.sin((k + 1) * 0.02)),
    );
    expect(on('/cost')[9]!.data).toEqual({ time: 0.2, total: 10, terms: { effort: 10 } });
    expect(on('/robot/command')[0]!.data).toEqual({ time: 0.02, requested: [2 * Math.sin(0.02)], sent: [Math.sin(0.02)], clamped: 1 });
  });

  it('writes an index the @mcap/core indexed reader accepts, with statistics per channel', async () => {
    const path = join(dir, 'indexed.mcap');
    record(path, 30, { flushSeconds: 0 }).close();
    const bytes = readFileSync(path);
    const reader = await McapIndexedReader.Initialize({
      readable: { size: async () => BigInt(bytes.byteLength), read: async (o, n) => bytes.subarray(Number(o), Number(o + n)) },
    });
    // flushSeconds 0: every message closes its chunk, and each chunk is indexed.
    expect(reader.chunkIndexes.length).toBe(reader.statistics!.messageCount > 0n ? Number(reader.statistics!.messageCount) : -1);
    let read = 0;
    for await (const _ of reader.readMessages({ validateCrcs: true })) read++;
    expect(BigInt(read)).toBe(reader.statistics!.messageCount);
    expect(reader.statistics!.messageCount).toBe(2n + 30n * 5n);
  });

  it('leaves a file readable up to the last written chunk when it is never closed', async () => {
    const path = join(dir, 'cut.mcap');
    const recorder = record(path, 200, { flushSeconds: 0 });
    // Not closed (a crash); then the last chunk cut in half as a dying write would leave it.
    const cut = join(dir, 'cut-half.mcap');
    copyFileSync(path, cut);
    truncateSync(cut, statSync(cut).size - 40);
    recorder.close();
    const rec = await readRecording(cut);
    expect(rec.indexed).toBe(false);
    expect(rec.unreadableBytes).toBeGreaterThan(0);
    expect(rec.recoveryNote).toMatch(/cut off/);
    const summary = summarizeRecording(rec);
    // 200 steps × 5 messages + settings + scene, less the one message whose chunk was cut.
    expect(summary.messages).toBe(2 + 200 * 5 - 1);
    expect(summary.topics.find((t) => t.topic === '/joint_states')!.messages).toBe(200);
    expect(summary.gaps).toEqual([]);
  });

  it('reports gaps: a topic silent for longer than 3× its usual interval', async () => {
    const path = join(dir, 'gap.mcap');
    const recorder = new SessionRecorder(path);
    recorder.setScene(0, scene);
    for (const t of [0.02, 0.04, 0.06, 0.08, 0.5, 0.52, 0.54]) {
      recorder.step({ time: t, state: stateAt(0, 0), action: Float64Array.of(0), costTerms: Float64Array.of(0), cost: 0 });
    }
    recorder.close();
    const summary = summarizeRecording(await readRecording(path));
    expect(summary.durationSeconds).toBeCloseTo(0.54, 6);
    expect(summary.gaps.filter((g) => g.topic === '/joint_states')).toEqual([{ topic: '/joint_states', from: 0.08, seconds: 0.42 }]);
  });
});
