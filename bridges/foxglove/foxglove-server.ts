/**
 * A Foxglove WebSocket protocol server (`@foxglove/ws-protocol`): Foxglove, Lichtblick and the
 * protocol's own client connect to it and subscribe to topics. Read-only — clients cannot publish,
 * call services or set parameters — and loopback only: the protocol has no authentication, so it is
 * never exposed beyond this machine (docs/security.md).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import wsProtocol from '@foxglove/ws-protocol';
import { WebSocketServer, type WebSocket } from 'ws';

// A CommonJS package: Node's ESM loader gives its exports as the default export only.
const { FoxgloveServer } = wsProtocol;
type FoxgloveServer = InstanceType<typeof FoxgloveServer>;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);
/** Clients only subscribe and unsubscribe: small messages. */
const MAX_CLIENT_MESSAGE = 64 << 10;

export interface RunningFoxgloveServer {
  readonly url: string;
  readonly foxglove: FoxgloveServer;
  /** The largest number of bytes waiting to be sent to one client. */
  bufferedBytes(): number;
  close(): Promise<void>;
}

export async function startFoxgloveServer({ host = '127.0.0.1', port = 8765, name = 'Actuate' } = {}): Promise<RunningFoxgloveServer> {
  if (!LOOPBACK.has(host)) throw new Error(`the Foxglove server listens on loopback only (127.0.0.1, localhost, ::1), not ${host}: its protocol has no authentication`);
  const foxglove = new FoxgloveServer({ name, capabilities: [] });
  const http = createServer((_req, res) => {
    res.writeHead(426, { 'content-type': 'text/plain' }).end('Foxglove WebSocket protocol: connect with ws://\n');
  });
  const wss = new WebSocketServer({ server: http, maxPayload: MAX_CLIENT_MESSAGE, handleProtocols: (protocols) => foxglove.handleProtocols(protocols) });
  wss.on('connection', (socket: WebSocket, req) => {
    // A malformed frame or an oversized message closes that client only.
    socket.on('error', () => socket.terminate());
    foxglove.handleConnection(socket, `${req.socket.remoteAddress}:${req.socket.remotePort}`);
  });
  wss.on('error', () => undefined);
  foxglove.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    http.once('error', (err: NodeJS.ErrnoException) => reject(new Error(err.code === 'EADDRINUSE' ? `--foxglove: port ${port} is in use (pick another: --foxglove PORT)` : err.message)));
    http.listen(port, host, () => resolve());
  });
  const address = http.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `ws://${shown}:${address.port}`,
    foxglove,
    bufferedBytes: () => {
      let most = 0;
      for (const client of wss.clients) most = Math.max(most, client.bufferedAmount);
      return most;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => http.close(() => resolve()));
      }),
  };
}
