/**
 * `actuate serve`: the built studio over HTTP and the protocol over WebSocket at /ws, on 127.0.0.1 by
 * default. Any other bind address requires a token, which every WebSocket connection must present
 * (`?token=` or `Authorization: Bearer`).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { fromWebSocket, type WebSocketLike } from '../protocol/port.ts';
import type { EngineHost } from './host.ts';

export interface ServeOptions {
  host: string;
  port: number;
  token?: string;
  /** Folder holding the built renderer (index.html). */
  staticDir: string;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

export class ServeError extends Error {
  override name = 'ServeError';
}

export function checkBindPolicy(host: string, token: string | undefined): void {
  if (!LOOPBACK.has(host) && !token) {
    throw new ServeError(`binding to ${host} exposes the engine beyond this machine; pass --token <secret> (clients then add ?token=<secret>)`);
  }
}

export async function startServer(engine: EngineHost, options: ServeOptions): Promise<RunningServer> {
  checkBindPolicy(options.host, options.token);
  const staticRoot = resolve(options.staticDir);
  try {
    await stat(join(staticRoot, 'index.html'));
  } catch {
    throw new ServeError(`the studio is not built (${join(staticRoot, 'index.html')} is missing); run \`npm run build\` first`);
  }

  const server = createServer((req, res) => void serveStatic(staticRoot, req, res));
  const wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') {
      socket.destroy();
      return;
    }
    if (options.token && !tokenMatches(options.token, presentedToken(req, url))) {
      socket.write('HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      engine.connect(fromWebSocket(ws as unknown as WebSocketLike));
    });
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new ServeError(err.code === 'EADDRINUSE' ? `port ${options.port} on ${options.host} is already in use; choose another with --port` : err.message)),
    );
    server.listen(options.port, options.host, () => resolvePromise());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const shownHost = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${shownHost}:${port}/`,
    port,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function presentedToken(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return url.searchParams.get('token') ?? undefined;
}

function tokenMatches(expected: string, presented: string | undefined): boolean {
  if (presented === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(presented);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const relative = normalize(decodeURIComponent(url.pathname)).replace(/^([/\\])+/, '');
  const file = resolve(root, relative === '' ? 'index.html' : relative);
  if (file !== root && !file.startsWith(root + sep)) {
    res.writeHead(403).end('forbidden');
    return;
  }
  try {
    const body = await readFile(file);
    res.writeHead(200, {
      'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-cache',
    });
    res.end(body);
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
  }
}
