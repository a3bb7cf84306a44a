/**
 * Where the engine is: inside Electron the preload hands over a MessagePort; in a browser the page
 * talks to `actuate serve` over a WebSocket on the same host (with ?token= when the page has one).
 */
import type { DesktopBridge } from '../../protocol/desktop.ts';
import { fromStructuredPort, fromWebSocket, type MessagePortLike, type StructuredPort, type WebSocketLike } from '../../protocol/port.ts';

declare global {
  interface Window {
    /** Set by the desktop shell's preload (electron/preload.ts); absent in a browser. */
    actuate?: DesktopBridge;
  }
}

/**
 * Ports from Electron's main process, in arrival order. Listening starts when this module loads, not
 * when React mounts: main posts the port on did-finish-load, which can come before the first effect.
 */
const arrivedPorts: StructuredPort[] = [];
const waitingForPort: ((port: StructuredPort) => void)[] = [];
if (typeof window !== 'undefined' && window.actuate) {
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.data !== 'actuate:port' || !event.ports[0]) return;
    const port = event.ports[0] as unknown as StructuredPort;
    const waiter = waitingForPort.shift();
    if (waiter) waiter(port);
    else arrivedPorts.push(port);
  });
}

export function connect(): Promise<MessagePortLike> {
  return window.actuate ? electronPort() : webSocketPort();
}

function electronPort(): Promise<MessagePortLike> {
  const port = arrivedPorts.shift();
  if (port) return Promise.resolve(fromStructuredPort(port));
  return new Promise((resolve) => waitingForPort.push((p) => resolve(fromStructuredPort(p))));
}

function webSocketPort(): Promise<MessagePortLike> {
  const token = new URLSearchParams(location.search).get('token');
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws${token ? `?token=${encodeURIComponent(token)}` : ''}`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.addEventListener('open', () => resolve(fromWebSocket(ws as unknown as WebSocketLike)), { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot reach the engine at ${url}`)), { once: true });
  });
}
