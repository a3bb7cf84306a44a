import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { projectPath } from '../sim/project-paths.ts';
import { EngineHost } from './host.ts';
import type { FrameEvent } from '../protocol/api.ts';
import { unpackContacts } from '../protocol/contacts.ts';
import { memoryPortPair } from '../protocol/memory-port.ts';
import { createClient, type Client } from '../protocol/rpc.ts';

let host: EngineHost | undefined;
afterEach(async () => {
  await host?.dispose();
  host = undefined;
});

function attach(engine: EngineHost): { client: Client; frames: FrameEvent[]; disconnect: () => void } {
  const [engineSide, clientSide] = memoryPortPair();
  const disconnect = engine.connect(engineSide);
  const client = createClient(clientSide);
  const frames: FrameEvent[] = [];
  client.on('frame', (f) => void frames.push(f));
  return { client, frames, disconnect };
}

describe('EngineHost overlays', () => {
  it('sends contacts only to the client that asked for them', async () => {
    host = await EngineHost.create({ taskId: 'push-box', controllerId: 'zero' });
    const a = attach(host);
    const b = attach(host);
    await a.client.call('step', { count: 2 });
    expect(a.frames.at(-1)?.contacts).toBeUndefined();

    expect(await a.client.call('setOverlays', { contacts: true })).toEqual({ contacts: true });
    a.frames.length = 0;
    b.frames.length = 0;
    await a.client.call('step', { count: 2 });
    const contacts = unpackContacts(a.frames.at(-1)!.contacts!);
    // The box rests on the table on its four bottom corners; the pusher hovers.
    expect(contacts).toHaveLength(4);
    for (const c of contacts) expect(c.normal[2]).toBeCloseTo(1, 5);
    expect(contacts.reduce((sum, c) => sum + c.force, 0)).toBeCloseTo(0.3 * 9.81, 1);
    expect(b.frames.length).toBeGreaterThan(0);
    expect(b.frames.every((f) => f.contacts === undefined)).toBe(true);

    await a.client.call('setOverlays', { contacts: false });
    a.frames.length = 0;
    await a.client.call('step', { count: 1 });
    expect(a.frames.at(-1)?.contacts).toBeUndefined();
    await expect(a.client.call('setOverlays', { contacts: 'yes' } as never)).rejects.toThrow(/setOverlays: contacts/);
  });

  it('stops reading contacts when the client that asked leaves', async () => {
    host = await EngineHost.create({ taskId: 'push-box', controllerId: 'zero' });
    const a = attach(host);
    await a.client.call('setOverlays', { contacts: true });
    const seen: FrameEvent[] = [];
    host.session.on('frame', (f) => void seen.push(f));
    await host.session.step(1);
    expect(seen.at(-1)?.contacts).toBeDefined();
    a.disconnect();
    await host.session.step(1);
    expect(seen.at(-1)?.contacts).toBeUndefined();
  });
});

describe('EngineHost robot files', () => {
  it('opens a URDF with the package roots it was given (serve --package)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-host-'));
    const copy = join(dir, 'go2.urdf');
    copyFileSync(projectPath('assets/robots/go2/example-robot-data/robots/go2_description/urdf/go2.urdf'), copy);
    const notFound = (engine: EngineHost) => (engine.session.task.warnings ?? []).filter((w) => w.includes('not found')).length;
    host = await EngineHost.create({ taskId: 'push-box', controllerId: 'zero', robotDirs: [dir] });
    await attach(host).client.call('openRobot', { file: copy });
    expect(notFound(host)).toBeGreaterThan(0);
    await host.dispose();
    host = await EngineHost.create({ taskId: 'push-box', controllerId: 'zero', robotDirs: [dir], robotPackages: `example-robot-data=${projectPath('assets/robots/go2/example-robot-data')}` });
    await attach(host).client.call('openRobot', { file: copy });
    expect(host.session.task.scene.name).toBe('go2_description');
    expect(notFound(host)).toBe(0);
  });
});
