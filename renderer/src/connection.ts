/**
 * Where the engine is: inside Electron the preload hands over a MessagePort; in a browser the page
 * talks to `actuate serve` over a WebSocket on the same host (with ?token= when the page has one).
 */
import { fromStructuredPort, fromWebSocket, type MessagePortLike, type WebSocketLike } from '../../protocol/port.ts';

declare global {
  interface Window {
    actuate?: { platform: string };
  }
}

export function connect(): Promise<MessagePortLike> {
  return window.actuate ? electronPort() : webSocketPort();
}

function electronPort(): Promise<MessagePortLike> {
  return new Promise((resolve) => {
    const onMessage = (event: MessageEvent) => {
      if (event.data !== 'actuate:port' || !event.ports[0]) return;
      window.removeEventListener('message', onMessage);
      resolve(fromStructuredPort(event.ports[0] as never));
    };
    window.addEventListener('message', onMessage);
  });
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
