import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { EngineHost } from './host.ts';
import { checkBindPolicy, MAX_FRAME_BYTES, startServer, type RunningServer } from './http-server.ts';
import { createClient } from '../protocol/rpc.ts';
import { fromWebSocket, type WebSocketLike } from '../protocol/port.ts';

const staticDir = mkdtempSync(join(tmpdir(), 'actuate-static-'));
writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Actuate</title>');
writeFileSync(join(tmpdir(), 'secret.txt'), 'do not serve');

const TOKEN = 's3cret-token';
let engine: EngineHost;
let server: RunningServer;

beforeAll(async () => {
  engine = await EngineHost.create({ controllerId: 'zero' });
  server = await startServer(engine, { host: '127.0.0.1', port: 0, staticDir, token: TOKEN });
});
afterAll(async () => {
  await server.close();
  await engine.dispose();
});

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw GET, with any Host header (fetch will not send a forged one). */
function get(port: number, path: string, headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const ownOrigin = (port: number) => `http://127.0.0.1:${port}`;
const cookie = (port: number, token = TOKEN) => `actuate-token-${port}=${encodeURIComponent(token)}`;

/** Opens a WebSocket as a browser page of `origin` would (cookie), or as a script (no origin, Bearer). */
function connect(port: number, headers: Record<string, string>, origin: string | null = ownOrigin(port)): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers, ...(origin ? { origin } : {}) });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

const asBrowser = (port: number) => connect(port, { cookie: cookie(port) });

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)));
}

function nextMessage(ws: WebSocket, match: (m: { type: string; id?: number }) => boolean): Promise<{ type: string; id?: number; error?: { message: string } }> {
  return new Promise((resolve) => {
    const on = (data: Buffer) => {
      const m = JSON.parse(data.toString()) as { type: string; id?: number };
      if (match(m)) {
        ws.off('message', on);
        resolve(m);
      }
    };
    ws.on('message', on);
  });
}

describe('actuate serve', () => {
  it('binds beyond loopback only with a token', () => {
    expect(() => checkBindPolicy('0.0.0.0', undefined)).toThrow(/needs a token/);
    expect(() => checkBindPolicy('0.0.0.0', 'x')).not.toThrow();
    expect(() => checkBindPolicy('127.0.0.1', undefined)).not.toThrow();
  });

  it('serves the studio with security headers on every response, and refuses paths outside it', async () => {
    const ok = await get(server.port, '/');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-security-policy']).toContain("script-src 'self'");
    expect(ok.body).toContain('Actuate');
    for (const path of ['/missing.js', '/..%2fsecret.txt', '/%', '/%zz', '/a%00b']) {
      const res = await get(server.port, path);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body).not.toContain('do not serve');
      expect(res.headers['content-security-policy'], path).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options'], path).toBe('nosniff');
      expect(res.headers['referrer-policy'], path).toBe('no-referrer');
    }
    expect((await get(server.port, '/%')).status).toBe(400);
    expect((await get(server.port, '/%zz')).status).toBe(400);
    expect((await get(server.port, '/')).status).toBe(200); // still up
  });

  it('refuses a request for another Host (DNS rebinding), over HTTP and WebSocket', async () => {
    const http = await get(server.port, '/', { host: `evil.example:${server.port}` });
    expect(http.status).toBe(403);
    expect(http.headers['x-frame-options']).toBe('DENY');
    expect((await get(server.port, '/', { host: `localhost:${server.port}` })).status).toBe(200);
    await expect(connect(server.port, { host: `evil.example:${server.port}`, cookie: cookie(server.port) }, `http://evil.example:${server.port}`)).rejects.toThrow(/403/);
  });

  it('trades the token in the printed address for an HttpOnly SameSite=Strict cookie and a bare address', async () => {
    const res = await get(server.port, `/?token=${TOKEN}&view=1`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/?view=1');
    const set = String(res.headers['set-cookie']);
    expect(set).toContain(`actuate-token-${server.port}=${TOKEN}`);
    expect(set).toContain('HttpOnly');
    expect(set).toContain('SameSite=Strict');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect((await get(server.port, '/?token=wrong')).status).toBe(401);
  });

  it('refuses a cross-origin page even with the token, a page without it, and a token in the URL', async () => {
    await expect(connect(server.port, { cookie: cookie(server.port) }, 'http://evil.example')).rejects.toThrow(/403/);
    await expect(connect(server.port, { cookie: cookie(server.port) }, `http://127.0.0.1:${server.port + 1}`)).rejects.toThrow(/403/);
    await expect(connect(server.port, {})).rejects.toThrow(/401/);
    await expect(connect(server.port, { cookie: cookie(server.port, 'wrong') })).rejects.toThrow(/401/);
    // A client without an Origin is no browser page: only with the token in a header.
    await expect(connect(server.port, {}, null)).rejects.toThrow(/403/);
    const script = await connect(server.port, { authorization: `Bearer ${TOKEN}` }, null);
    script.close();
  });

  it('speaks the protocol over WebSocket, frames included', async () => {
    const ws = await asBrowser(server.port);
    const client = createClient(fromWebSocket(ws as unknown as WebSocketLike));
    const tasks = await client.call('listTasks');
    expect(tasks.map((t) => t.id)).toContain('cartpole-swingup');
    const frame = new Promise<Float32Array>((resolve) => client.on('frame', (f) => resolve(f.poses)));
    await client.call('step', { count: 2 });
    const poses = await frame;
    expect(poses).toBeInstanceOf(Float32Array);
    expect(poses.length).toBe(3 * 7);
    await expect(client.call('setTask', { id: 'nope' })).rejects.toThrow("unknown task 'nope'");
    client.close();
  });

  it('answers bad messages with an error that carries the call id, and survives prototype-named methods', async () => {
    const ws = await asBrowser(server.port);
    ws.send('{"type":"call","id":41,"method":"listTasks",');
    expect(await nextMessage(ws, (m) => m.type === 'error')).toMatchObject({ id: 41, error: { message: expect.stringContaining('not valid JSON') } });
    ws.send(`{"type":"call","id":42,"method":"getSession","params":${'['.repeat(5000)}${']'.repeat(5000)}}`);
    expect(await nextMessage(ws, (m) => m.type === 'error')).toMatchObject({ id: 42, error: { message: expect.stringContaining('nested deeper') } });
    for (const [i, method] of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf'].entries()) {
      ws.send(JSON.stringify({ type: 'call', id: 100 + i, method, params: {} }));
      expect(await nextMessage(ws, (m) => m.id === 100 + i)).toMatchObject({ type: 'error', error: { message: expect.stringContaining(`unknown command '${method}'`) } });
    }
    ws.send(JSON.stringify({ type: 'call', id: 'x', method: 'play' }));
    expect((await nextMessage(ws, (m) => m.type === 'error')).error!.message).toContain('malformed message');
    ws.send('{"type":"call","id":43,"method":"setSpeed","params":{"speed":1e999}}');
    expect(await nextMessage(ws, (m) => m.id === 43)).toMatchObject({ type: 'error', error: { message: expect.stringContaining('speed') } });
    ws.close();
  });

  it('closes only the connection that sends invalid UTF-8 or an oversized frame', async () => {
    const good = await asBrowser(server.port);
    const client = createClient(fromWebSocket(good as unknown as WebSocketLike));
    const badUtf8 = await asBrowser(server.port);
    const closing = closed(badUtf8);
    badUtf8.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await closing).toBe(1007);
    const big = await asBrowser(server.port);
    const closingBig = closed(big);
    big.send('x'.repeat(MAX_FRAME_BYTES + 1));
    expect(await closingBig).toBe(1009);
    expect((await client.call('getSession')).task.id).toBe('cartpole-swingup');
    client.close();
  });
});

describe('actuate serve: failed tokens and --no-token', () => {
  it('backs off after a few wrong tokens, refusing even the right one for a while', async () => {
    const own = await startServer(engine, { host: '127.0.0.1', port: 0, staticDir, token: TOKEN });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 30; i++) statuses.push((await get(own.port, `/?token=guess${i}`)).status);
      expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(24);
      const right = await get(own.port, `/?token=${TOKEN}`);
      expect(right.status).toBe(429);
      expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await own.close();
    }
  });

  it('without a token still refuses other origins and clients without an Origin', async () => {
    const open = await startServer(engine, { host: '127.0.0.1', port: 0, staticDir });
    try {
      await expect(connect(open.port, {}, 'http://evil.example')).rejects.toThrow(/403/);
      await expect(connect(open.port, {}, null)).rejects.toThrow(/403/);
      const page = await connect(open.port, {});
      page.close();
    } finally {
      await open.close();
    }
  });

  it('refuses to start when the studio is not built, saying what to run', async () => {
    await expect(startServer(engine, { host: '127.0.0.1', port: 0, staticDir: join(staticDir, 'missing') })).rejects.toThrow(/npm run build/);
  });
});
