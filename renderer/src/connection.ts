/**
 * Where the engine is: inside Electron the preload hands over a MessagePort; in a browser the page
 * talks to `actuate serve` over a WebSocket on the same host, signed in by the server's cookie.
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

/**
 * The WebSocket carries no token in its URL (servers and proxies log URLs): opening the address
 * `actuate serve` printed made the server set an HttpOnly, SameSite=Strict cookie and redirect to the
 * bare address, and the browser sends that cookie with the upgrade. Should a token still be in the
 * address bar (a proxy that did not follow the redirect), it is dropped from the address and history.
 */
function webSocketPort(): Promise<MessagePortLike> {
  const params = new URLSearchParams(location.search);
  if (params.has('token')) {
    params.delete('token');
    const query = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${query ? `?${query}` : ''}${location.hash}`);
  }
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.addEventListener('open', () => resolve(fromWebSocket(ws as unknown as WebSocketLike)), { once: true });
    ws.addEventListener('error', () => reject(new Error(`cannot reach the engine at ${url}`)), { once: true });
  });
}
