/** The studio's Record button and playback over the protocol: a real session recorded, listed, opened and laid out for drawing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EngineHost } from './host.ts';
import { memoryPortPair } from '../protocol/memory-port.ts';
import { createClient, type Client } from '../protocol/rpc.ts';

const root = mkdtempSync(join(tmpdir(), 'actuate-studio-recording-'));
const runs = join(root, 'runs');
const elsewhere = join(root, 'elsewhere');
mkdirSync(runs);
mkdirSync(elsewhere);
let host: EngineHost;
let client: Client;

beforeAll(async () => {
  host = await EngineHost.create({ taskId: 'cartpole-swingup', controllerId: 'zero', runDirs: [runs] });
  const [engineSide, clientSide] = memoryPortPair();
  host.connect(engineSide);
  client = createClient(clientSide);
});
afterAll(async () => {
  client.close();
  await host.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('studio recording and playback', () => {
  it('records the live session to the recordings folder, lists it and plays it back pose for pose', async () => {
    expect(await client.call('record', { action: 'status' })).toEqual({ active: false, folder: join(runs, 'recordings') });
    const started = await client.call('record', { action: 'start' });
    expect(started.active).toBe(true);
    expect(started.path!.startsWith(join(runs, 'recordings'))).toBe(true);
    const poses: Float64Array[] = [];
    const off = host.session.onStep(({ state }) => poses.push(Float64Array.from(state)));
    await client.call('step', { count: 50 });
    off();
    const stopped = await client.call('record', { action: 'stop' });
    expect(stopped).toMatchObject({ active: false, path: started.path });
    expect(stopped.seconds).toBeCloseTo(1, 5);
    expect((await client.call('listRecordings', {})).files).toEqual([started.path]);

    const playback = await client.call('openRecording', { file: started.path! });
    const scene = host.session.task.scene;
    expect(playback.task).toBe('cartpole-swingup');
    expect(playback.scene.bodies.map((b) => b.name)).toEqual(scene.bodies.map((b) => b.name));
    expect(playback.times).toHaveLength(poses.length);
    expect(playback.duration).toBeCloseTo(playback.times[playback.times.length - 1]!, 6);
    // Frame k holds the bodies' poses of step k (position and quaternion, float32), every body.
    const bodies = scene.bodies.length;
    for (const k of [0, 25, 49]) {
      for (let b = 0; b < bodies; b++) {
        for (let i = 0; i < 7; i++) expect(playback.poses[(k * bodies + b) * 7 + i]).toBeCloseTo(poses[k]![b * 13 + i]!, 5);
      }
    }
    expect(playback.plots.map((p) => p.title)).toEqual(['cost', 'action', 'joint position']);
    expect(playback.series.map((s) => s.group)).toEqual(expect.arrayContaining(['/actuate/settings', '/joint_states', '/tf', '/control/action', '/cost']));
    const cost = playback.series.find((s) => s.group === '/cost')!;
    expect(cost.names.slice(0, 2)).toEqual(['time', 'total']);
    expect(cost.times).toHaveLength(50);
  });

  it('opens only recordings inside the allowed folders, and not the one being written', async () => {
    writeFileSync(join(elsewhere, 'x.mcap'), 'not read');
    await expect(client.call('openRecording', { file: join(elsewhere, 'x.mcap') })).rejects.toThrow(/outside the folders this studio may open/);
    await expect(client.call('openRecording', { file: join(runs, 'notes.txt') })).rejects.toThrow(/recordings end in \.mcap/);
    writeFileSync(join(runs, 'empty.mcap'), '');
    await expect(client.call('openRecording', { file: join(runs, 'empty.mcap') })).rejects.toThrow(/no \/actuate\/scene message/);
    const live = await client.call('record', { action: 'start' });
    await expect(client.call('openRecording', { file: live.path! })).rejects.toThrow(/still being recorded/);
    await client.call('record', { action: 'stop' });
  });

  it('without a runs folder the Record button says how to get one', async () => {
    const bare = await EngineHost.create({ taskId: 'cartpole-swingup', controllerId: 'zero' });
    try {
      expect(bare.recording.status()).toEqual({ active: false });
      expect(() => bare.recording.start()).toThrow(/--runs DIR/);
    } finally {
      await bare.dispose();
    }
  });
});
