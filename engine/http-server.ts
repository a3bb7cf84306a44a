/**
 * `actuate serve`: the built studio over HTTP and the protocol over WebSocket at /ws, on 127.0.0.1 by
 * default. Who may connect is decided in request-policy.ts (Host, Origin, token, back-off) before any
 * message is read; docs/security.md gives the threat model. Nothing a client sends can end the
 * server: every request handler answers errors (a bad URL is a 400), every socket has an error
 * handler, and a frame over MAX_FRAME_BYTES or with invalid UTF-8 closes that connection only.
 */
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { fromWebSocket, type WebSocketLike } from '../protocol/port.ts';
import type { EngineHost } from './host.ts';
import {
  AuthThrottle,
  hostAllowed,
  isLoopback,
  originAllowed,
  presentedToken,
  tokenCookieName,
  tokenMatches,
  urlHost,
} from './request-policy.ts';

export interface ServeOptions {
  host: string;
  port: number;
  /** Required of every client; undefined only with --no-token on a loopback address. */
  token?: string;
  /** Folder holding the built renderer (index.html). */
  staticDir: string;
}

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Largest WebSocket frame a client may send; the protocol's calls are a few kB. */
export const MAX_FRAME_BYTES = 1 << 20;
/** Connections open at once; a page opening sockets in a loop gets refused, not the engine swamped. */
export const MAX_CONNECTIONS = 64;

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
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Sent with every response, errors and redirects included. */
export const SECURITY_HEADERS: Readonly<OutgoingHttpHeaders> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  // The studio's URL may carry the token on first load: never send it on to anyone.
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

export class ServeError extends Error {
  override name = 'ServeError';
}

export function checkBindPolicy(host: string, token: string | undefined): void {
  if (!isLoopback(host) && !token) {
    throw new ServeError(`binding to ${host} exposes the engine beyond this machine; it needs a token (leave out --no-token, or pass --token <secret>)`);
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

  const throttle = new AuthThrottle();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES });
  const sockets = new Set<WebSocket>();
  let port = options.port;

  /** Checks the token of a request (cookie or Bearer), with back-off; answers the refusal itself. */
  const authorize = (req: IncomingMessage, refuse: (status: number, message: string, headers?: OutgoingHttpHeaders) => void, presented = presentedToken(req, port)): boolean => {
    if (!options.token) return true;
    const address = req.socket.remoteAddress ?? 'unknown';
    const wait = throttle.waitMs(address);
    if (wait > 0) {
      refuse(429, `too many wrong tokens; try again in ${Math.ceil(wait / 1000)} s`, { 'Retry-After': String(Math.ceil(wait / 1000)) });
      return false;
    }
    if (!tokenMatches(options.token, presented)) {
      throttle.failed(address);
      refuse(401, presented === undefined ? 'this studio needs its token: open the address `actuate serve` printed' : 'wrong token');
      return false;
    }
    throttle.succeeded(address);
    return true;
  };

  const server = createServer((req, res) => {
    handleRequest(req, res).catch(() => respond(res, 500, 'internal error'));
  });
  server.on('clientError', (_err, socket: Duplex) => {
    if (socket.writable) socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n`);
    else socket.destroy();
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hostAllowed(req.headers.host, options.host, port)) return respond(res, 403, 'this server answers only to its own address (Host header refused)');
    if (req.method !== 'GET' && req.method !== 'HEAD') return respond(res, 405, 'method not allowed', { Allow: 'GET, HEAD' });
    let url: URL;
    let path: string;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
      path = decodeURIComponent(url.pathname);
    } catch {
      return respond(res, 400, 'bad URL');
    }
    if (path.includes('\0')) return respond(res, 400, 'bad URL');
    // The printed URL carries the token once: trade it for an HttpOnly cookie and send the browser to the bare address.
    const offered = url.searchParams.get('token');
    if (offered !== null) {
      if (!authorize(req, (status, message, headers) => respond(res, status, message, headers), offered)) return;
      url.searchParams.delete('token');
      const cookie = `${tokenCookieName(port)}=${encodeURIComponent(offered)}; HttpOnly; SameSite=Strict; Path=/`;
      return respond(res, 303, 'signed in', { Location: `${url.pathname}${url.search}`, 'Set-Cookie': cookie, 'Cache-Control': 'no-store' });
    }
    await serveStatic(staticRoot, path, res);
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // A reset or garbage on the raw socket must not become an unhandled 'error' event.
    socket.on('error', () => socket.destroy());
    const refuse = (status: number, message: string, headers: OutgoingHttpHeaders = {}) => {
      const extra = Object.entries(headers).map(([k, v]) => `${k}: ${String(v)}\r\n`).join('');
      socket.end(`HTTP/1.1 ${status} ${message.replace(/[^\x20-\x7e]/g, '?')}\r\nContent-Length: 0\r\nConnection: close\r\n${extra}\r\n`);
    };
    try {
      const pathname = (req.url ?? '').split('?')[0];
      if (pathname !== '/ws') return refuse(404, 'Not Found');
      if (!hostAllowed(req.headers.host, options.host, port)) return refuse(403, 'Host refused');
      const origin = req.headers.origin;
      if (origin !== undefined && !originAllowed(origin, req.headers.host!)) return refuse(403, 'Origin refused');
      // No Origin: not a browser page. Such a client must prove itself with the token (Bearer header).
      if (origin === undefined && (!options.token || presentedToken(req, port) === undefined)) return refuse(403, 'Origin required');
      if (!authorize(req, refuse)) return;
      if (sockets.size >= MAX_CONNECTIONS) return refuse(503, 'Too many connections');
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        // Invalid UTF-8, an oversized frame, a protocol violation: ws closes this connection (1007/1009/1002) and reports here.
        ws.on('error', () => ws.terminate());
        ws.on('close', () => sockets.delete(ws));
        engine.connect(fromWebSocket(ws as unknown as WebSocketLike));
      });
    } catch {
      socket.destroy();
    }
  });

  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new ServeError(err.code === 'EADDRINUSE' ? `port ${options.port} on ${options.host} is already in use; choose another with --port` : err.message)),
    );
    server.listen(options.port, options.host, () => resolvePromise());
  });
  server.on('error', () => undefined);
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://${urlHost(options.host)}:${port}/`,
    port,
    async close() {
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function respond(res: ServerResponse, status: number, message: string, headers: OutgoingHttpHeaders = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(message);
}

async function serveStatic(root: string, path: string, res: ServerResponse): Promise<void> {
  const relative = normalize(path).replace(/^([/\\])+/, '');
  const file = resolve(root, relative === '' ? 'index.html' : relative);
  if (file !== root && !file.startsWith(root + sep)) return respond(res, 403, 'forbidden');
  let body: Buffer;
  try {
    if (!(await stat(file)).isFile()) return respond(res, 404, 'not found');
    body = await readFile(file);
  } catch {
    return respond(res, 404, 'not found');
  }
  res.writeHead(200, { ...SECURITY_HEADERS, 'Content-Type': CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', 'Cache-Control': 'no-cache' });
  res.end(body);
}
