import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { PlanEvent } from '../../protocol/api.ts';
import type { SceneDescription } from '../../protocol/scene.ts';
import { readRecording } from './read-recording.ts';
import { recordingPlayback } from './recording-playback.ts';
import { SessionRecorder } from './session-recorder.ts';

const dir = mkdtempSync(join(tmpdir(), 'actuate-playback-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fixed base and a link on a hinge; the base has a mesh the recording leaves out. */
const scene = {
  name: 'hinge',
  gravity: [0, 0, -9.81],
  timestep: 0.01,
  solverIterations: 4,
  bodies: [
    { name: 'base', kind: 'fixed', pose: { position: [0, 0, 0] }, geoms: [{ shape: { type: 'mesh', mesh: 'base.stl' } }] },
    { name: 'link', kind: 'dynamic', pose: { position: [0, 0, 0] }, geoms: [] },
  ],
  joints: [{ name: 'hinge', type: 'revolute', parent: 0, child: 1, anchorParent: [0, 0, 0], anchorChild: [0, 0, 0], axis: [0, 0, 1] }],
  actuators: [{ name: 'motor', joint: 0, kind: 'motor', gear: 1, ctrlRange: [-1, 1] }],
  markers: [],
  meshes: { 'base.stl': { positions: Float32Array.of(0, 0, 0, 1, 0, 0, 0, 1, 0), indices: Uint32Array.of(0, 1, 2) } },
} as unknown as SceneDescription;

function state(x: number): Float64Array {
  const s = new Float64Array(26);
  s.set([0.5, 0, 0, 0, 0, 0, 1], 0);
  s.set([x, 0, 0, 0, 0, 0, 1], 13);
  return s;
}

describe('recordingPlayback', () => {
  it('lays out poses per frame (fixed bodies carried forward), signals, plans, and lends the live meshes', async () => {
    const path = join(dir, 'a.mcap');
    const recorder = new SessionRecorder(path, { startedAtMs: Date.UTC(2026, 0, 1) });
    recorder.setScene(0, scene);
    recorder.settings(0, { task: 't', taskParams: {}, controller: 'c', controllerParams: {}, costWeights: { effort: 1 }, seed: 0 }, ['effort']);
    for (let k = 1; k <= 3; k++) recorder.step({ time: k * 0.1, state: state(k), action: Float64Array.of(k / 10), costTerms: Float64Array.of(k), cost: k });
    const plan: PlanEvent = { time: 0.2, steps: 2, sampleCount: 1, best: Float32Array.of(1, 2, 3, 4, 5, 6), samples: Float32Array.of(6, 5, 4, 3, 2, 1) };
    recorder.plan(plan);
    await recorder.close();

    const playback = recordingPlayback(await readRecording(path), scene);
    expect(playback.task).toBe('t');
    expect(Array.from(playback.times)).toEqual([0.1, 0.2, 0.30000000000000004].map((t) => expect.closeTo(t, 9)));
    // Frame 2: the base (written in the first message only) stays at x = 0.5; the link at x = 3.
    expect(Array.from(playback.poses.subarray(2 * 14, 3 * 14))).toEqual([0.5, 0, 0, 0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 1]);
    // Every topic's numeric fields are plottable (the scene and the plans are drawn instead).
    expect(playback.series.map((s) => s.group).sort()).toEqual(['/actuate/settings', '/control/action', '/cost', '/joint_states', '/tf']);
    const cost = playback.series.find((s) => s.group === '/cost')!;
    expect(cost.names).toEqual(['time', 'total', 'terms.effort']);
    expect(Array.from(cost.values.subarray(3, 6))).toEqual([expect.closeTo(0.2, 6), 2, 2]);
    expect(playback.series.find((s) => s.group === '/actuate/settings')!.names).toEqual(['costWeights.effort', 'seed']);
    expect(playback.series.find((s) => s.group === '/tf')!.names).toContain('transforms.link.transform.translation.x');
    expect(playback.plots).toEqual([
      { title: 'cost', signals: ['/cost / total', '/cost / terms.effort'] },
      { title: 'action', signals: [`/control/action / values.${scene.actuators[0]!.name}`] },
      { title: 'joint position', signals: [`/joint_states / position.${scene.joints[0]!.name}`] },
    ]);
    expect(playback.plans).toHaveLength(1);
    expect(playback.plans[0]!.time).toBeCloseTo(0.2, 9);
    expect(Array.from(playback.plans[0]!.best)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(playback.plans[0]!.samples)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(playback.scene.meshes?.['base.stl']).toBe(scene.meshes!['base.stl']);
    expect(playback.notes).toEqual([]);

    const other = recordingPlayback(await readRecording(path), { ...scene, meshes: {} });
    expect(other.scene.meshes).toBeUndefined();
    expect(other.notes.join()).toMatch(/mesh parts are not drawn/);
  });
});
