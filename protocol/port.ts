/**
 * The one transport seam: anything that can post a message and deliver incoming ones. Adapters below
 * wrap an Electron/DOM MessagePort, a Node worker port and a WebSocket (browser or `ws`).
 */
import { decodeMessage, encodeMessage } from './codec.ts';

export interface MessagePortLike {
  postMessage(message: unknown): void;
  /** Registers the listener; returns a function that removes it. */
  onMessage(listener: (message: unknown) => void): () => void;
  onClose(listener: () => void): () => void;
  close(): void;
}

/** Structural type of DOM MessagePort, Electron's MessagePortMain and Node's worker MessagePort. */
export interface StructuredPort {
  postMessage(message: unknown): void;
  on?(event: 'message' | 'close', listener: (event: unknown) => void): unknown;
  off?(event: 'message' | 'close', listener: (event: unknown) => void): unknown;
  addEventListener?(event: 'message' | 'close', listener: (event: unknown) => void): void;
  removeEventListener?(event: 'message' | 'close', listener: (event: unknown) => void): void;
  start?(): void;
  close(): void;
}

function listen(port: StructuredPort, event: 'message' | 'close', fn: (e: unknown) => void): () => void {
  if (port.addEventListener && port.removeEventListener) {
    port.addEventListener(event, fn);
    return () => port.removeEventListener!(event, fn);
  }
  port.on!(event, fn);
  return () => port.off!(event, fn);
}

/** Wraps a structured-clone port. DOM and Electron ports deliver `{data}` events; Node's deliver the data. */
export function fromStructuredPort(port: StructuredPort, eventHasData = true): MessagePortLike {
  const adapter: MessagePortLike = {
    postMessage: (message) => port.postMessage(message),
    onMessage(listener) {
      const off = listen(port, 'message', (e) => listener(eventHasData ? (e as { data: unknown }).data : e));
      port.start?.();
      return off;
    },
    onClose: (listener) => listen(port, 'close', () => listener()),
    close: () => port.close(),
  };
  return adapter;
}

/** Structural type shared by the browser's WebSocket and the `ws` package's. */
export interface WebSocketLike {
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: string): void;
  addEventListener(event: 'message', listener: (event: { data: unknown }) => void): void;
  addEventListener(event: 'close', listener: () => void): void;
  removeEventListener(event: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(event: 'close', listener: () => void): void;
  close(): void;
}

const OPEN = 1;

export function fromWebSocket(ws: WebSocketLike): MessagePortLike {
  return {
    postMessage(message) {
      if (ws.readyState === OPEN) ws.send(encodeMessage(message));
    },
    onMessage(listener) {
      const fn = (event: { data: unknown }) => {
        let decoded: unknown;
        try {
          decoded = decodeMessage(String(event.data));
        } catch (err) {
          decoded = { type: 'malformed', error: `not valid JSON: ${(err as Error).message}` };
        }
        listener(decoded);
      };
      ws.addEventListener('message', fn);
      return () => ws.removeEventListener('message', fn);
    },
    onClose(listener) {
      ws.addEventListener('close', listener);
      return () => ws.removeEventListener('close', listener);
    },
    close: () => ws.close(),
  };
}
