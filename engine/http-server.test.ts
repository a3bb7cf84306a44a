import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { EngineHost } from './host.ts';
import { checkBindPolicy, startServer, type RunningServer } from './http-server.ts';
import { createClient } from '../protocol/rpc.ts';
import { fromWebSocket, type WebSocketLike } from '../protocol/port.ts';

const staticDir = mkdtempSync(join(tmpdir(), 'actuate-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Actuate</title>');
writeFileSync(join(tmpdir(), 'secret.txt'), 'do not serve');

let engine: EngineHost;
let server: RunningServer;

beforeAll(async () => {
  engine = await EngineHost.create({ controllerId: 'zero' });
  server = await startServer(engine, { host: '127.0.0.1', port: 0, staticDir, token: 's3cret' });
});
afterAll(async () => {
  await server.close();
  await engine.dispose();
});

function connect(query: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws${query}`);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('actuate serve', () => {
  it('binds beyond loopback only with a token', () => {
    expect(() => checkBindPolicy('0.0.0.0', undefined)).toThrow(/pass --token/);
    expect(() => checkBindPolicy('0.0.0.0', 'x')).not.toThrow();
    expect(() => checkBindPolicy('127.0.0.1', undefined)).not.toThrow();
  });

  it('serves the studio with a content security policy and refuses paths outside it', async () => {
    const res = await fetch(`http://127.0.0.1:${server.port}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await res.text()).toContain('Actuate');
    const escape = await fetch(`http://127.0.0.1:${server.port}/..%2fsecret.txt`);
    expect([403, 404]).toContain(escape.status);
    expect(await escape.text()).not.toContain('do not serve');
  });

  it('refuses a WebSocket without the token', async () => {
    await expect(connect('')).rejects.toThrow(/401/);
    await expect(connect('?token=wrong')).rejects.toThrow(/401/);
  });

  it('speaks the protocol over WebSocket, frames included', async () => {
    const ws = await connect('?token=s3cret');
    const client = createClient(fromWebSocket(ws as unknown as WebSocketLike));
    const tasks = await client.call('listTasks');
    expect(tasks.map((t) => t.id)).toContain('cartpole-swingup');
    const frame = new Promise<Float32Array>((resolve) => client.on('frame', (f) => resolve(f.poses)));
    await client.call('step', { count: 2 });
    const poses = await frame;
    expect(poses).toBeInstanceOf(Float32Array);
    expect(poses.length).toBe(3 * 7);
    await expect(client.call('setTask', { id: 'nope' })).rejects.toThrow("unknown task 'nope'");
    ws.send('{not json');
    const error = await new Promise<string>((resolve) => client.onError(resolve));
    expect(error).toMatch(/malformed message/);
    client.close();
  });

  it('refuses to start when the studio is not built, saying what to run', async () => {
    await expect(startServer(engine, { host: '127.0.0.1', port: 0, staticDir: join(staticDir, 'missing') })).rejects.toThrow(/npm run build/);
  });
});
