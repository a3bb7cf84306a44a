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
      const fn = (event: { data: unknown }) => listener(decodeFrame(event.data));
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

/** Deepest nesting of arrays and objects a frame may have: the protocol's own messages need a handful. */
export const MAX_NESTING = 64;

/**
 * Decodes one WebSocket frame, or describes why it is not a message (`{type: 'malformed', error, id?}`,
 * with the call id when the frame starts like a call, so the caller's request still settles). The
 * nesting is checked before parsing: the typed-array reviver recurses, and a deep frame must not
 * overflow the stack. The error never quotes the frame.
 */
export function decodeFrame(data: unknown): unknown {
  if (typeof data !== 'string') return { type: 'malformed', error: 'binary frames are not part of the protocol; send JSON text' };
  const id = leadingCallId(data);
  const malformed = (error: string) => ({ type: 'malformed', error, ...(id !== undefined ? { id } : {}) });
  const depth = nestingDepth(data, MAX_NESTING);
  if (depth > MAX_NESTING) return malformed(`nested deeper than ${MAX_NESTING} levels`);
  try {
    return decodeMessage(data);
  } catch (err) {
    const position = /at position (\d+)/.exec((err as Error).message);
    return malformed(err instanceof SyntaxError ? `not valid JSON${position ? ` (at character ${position[1]})` : ''}` : `cannot decode: ${(err as Error).message}`);
  }
}

/** The id of a frame that starts like `{"type":"call","id":7,…` (how clients write calls), read without parsing the rest. */
function leadingCallId(text: string): number | undefined {
  const m = /^\s*\{\s*(?:"type"\s*:\s*"[a-z]{1,16}"\s*,\s*)?"id"\s*:\s*(\d{1,15})\s*[,}]/.exec(text.slice(0, 200));
  return m ? Number(m[1]) : undefined;
}

/** Nesting depth of brackets outside strings, stopping once past `limit`. */
function nestingDepth(text: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > max && (max = depth) > limit) return max;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}
