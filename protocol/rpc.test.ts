import { describe, expect, it } from 'vitest';
import type { Handlers, SessionSnapshot } from './api.ts';
import { memoryPortPair } from './memory-port.ts';
import { createClient, serveApi, WINDOW } from './rpc.ts';

function fakeHandlers(overrides: Partial<Handlers> = {}): Handlers {
  const fail = () => {
    throw new Error('not in this test');
  };
  return {
    listTasks: () => [{ id: 't', title: 'T', description: '', params: [] }],
    listControllers: () => [],
    getSession: fail, setTask: fail, setController: fail, setParams: fail,
    play: () => ({ playing: true, time: 0 }),
    pause: () => ({ playing: false, time: 0 }),
    step: fail, reset: fail,
    setSpeed: ({ speed }) => ({ speed }),
    ...overrides,
  } as Handlers;
}

describe('rpc', () => {
  it('calls typed commands and returns their results', async () => {
    const [a, b] = memoryPortPair();
    serveApi(a, fakeHandlers());
    const client = createClient(b);
    expect(await client.call('listTasks')).toEqual([{ id: 't', title: 'T', description: '', params: [] }]);
    expect(await client.call('setSpeed', { speed: 2 })).toEqual({ speed: 2 });
  });

  it('rejects invalid parameters at the boundary, naming the field', async () => {
    const [a, b] = memoryPortPair();
    let called = false;
    serveApi(a, fakeHandlers({ setSpeed: ({ speed }) => ((called = true), { speed }) }));
    const client = createClient(b);
    await expect(client.call('setSpeed', { speed: -1 } as never)).rejects.toThrow(/setSpeed: speed: .*>=0\.01/);
    await expect(client.call('setSpeed', { speed: 1, extra: true } as never)).rejects.toThrow(/setSpeed/);
    expect(called).toBe(false);
  });

  it('answers unknown commands and malformed messages with an error, and keeps serving', async () => {
    const [a, b] = memoryPortPair();
    serveApi(a, fakeHandlers());
    const client = createClient(b);
    await expect(client.call('explode' as never)).rejects.toThrow("unknown command 'explode'");
    const errors: string[] = [];
    client.onError((m) => errors.push(m));
    b.postMessage({ hello: 'world' });
    b.postMessage('not even an object');
    await new Promise((r) => setTimeout(r, 10));
    expect(errors).toHaveLength(2);
    expect(errors[0]).toMatch(/^malformed message/);
    expect(await client.call('pause')).toEqual({ playing: false, time: 0 });
  });

  it('turns handler exceptions into call errors', async () => {
    const [a, b] = memoryPortPair();
    serveApi(a, fakeHandlers({ getSession: () => { throw new Error('no session yet'); } }));
    await expect(createClient(b).call('getSession')).rejects.toThrow('no session yet');
  });

  it('drops frames for a slow client instead of queueing them, and delivers the newest', async () => {
    const [a, b] = memoryPortPair();
    const server = serveApi(a, fakeHandlers());
    const client = createClient(b);
    const seen: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    client.on('frame', async (f) => {
      seen.push(f.time);
      await gate; // a client still busy rendering
    });
    for (let i = 0; i < 100; i++) server.emit('frame', { time: i, poses: new Float32Array(7) });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual(Array.from({ length: WINDOW }, (_, i) => i));
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(seen.at(-1)).toBe(99);
    expect(seen.length).toBeLessThan(10);
    expect(server.dropped.frame).toBeGreaterThan(90);
  });

  it('never drops reliable streams', async () => {
    const [a, b] = memoryPortPair();
    const server = serveApi(a, fakeHandlers());
    const client = createClient(b);
    const seen: number[] = [];
    client.on('status', (s) => void seen.push(s.time));
    for (let i = 0; i < 50; i++) server.emit('status', { playing: true, time: i });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toHaveLength(50);
  });

  it('rejects pending calls when the connection closes', async () => {
    const [a, b] = memoryPortPair();
    serveApi(a, fakeHandlers({ getSession: () => new Promise<SessionSnapshot>(() => {}) }));
    const client = createClient(b);
    const pending = client.call('getSession');
    a.close();
    await expect(pending).rejects.toThrow('connection closed');
  });
});
