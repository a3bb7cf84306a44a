/**
 * Typed calls and streams over any MessagePortLike.
 *
 * Wire messages:
 *   client → server  {type: 'call', id, method, params} | {type: 'ack', stream}
 *   server → client  {type: 'result', id, result} | {type: 'error', id?, error} | {type: 'event', stream, data}
 *
 * Backpressure: a lossy stream (frames, telemetry, plans) has at most WINDOW events in flight per
 * client; the client acks each one after its listeners' promises settle. While the window is full the
 * server keeps only the newest event, so a slow client drops frames instead of growing memory.
 */
import { z } from 'zod';
import {
  commandSchemas,
  LOSSY_STREAMS,
  type CommandName,
  type CommandParams,
  type CommandResults,
  type Handlers,
  type StreamEvents,
  type StreamName,
} from './api.ts';
import type { MessagePortLike } from './port.ts';

export const WINDOW = 2;

const incoming = z.discriminatedUnion('type', [
  z.object({ type: z.literal('call'), id: z.number().int(), method: z.string(), params: z.unknown() }),
  z.object({ type: z.literal('ack'), stream: z.string() }),
]);

export class ProtocolError extends Error {
  override name = 'ProtocolError';
}

export interface Server {
  emit<S extends StreamName>(stream: S, data: StreamEvents[S]): void;
  close(): void;
  /** Events dropped by backpressure so far, per stream. */
  readonly dropped: Record<string, number>;
}

export function serveApi(port: MessagePortLike, handlers: Handlers): Server {
  const inFlight = new Map<string, number>();
  const pending = new Map<string, unknown>();
  const dropped: Record<string, number> = {};
  const reply = (message: unknown) => port.postMessage(message);

  const off = port.onMessage((raw) => {
    // Nothing a client sends may end the server: whatever escapes the handler is answered, not thrown.
    handle(raw).catch((err: unknown) => reply({ type: 'error', ...idOf(raw), error: { message: `internal error: ${(err as Error)?.message ?? String(err)}` } }));
  });

  async function handle(raw: unknown): Promise<void> {
    if (isMalformed(raw)) {
      reply({ type: 'error', ...(raw.id !== undefined ? { id: raw.id } : {}), error: { message: `malformed message: ${raw.error}` } });
      return;
    }
    const parsed = incoming.safeParse(raw);
    if (!parsed.success) {
      reply({ type: 'error', ...idOf(raw), error: { message: `malformed message: ${describeZodError(parsed.error)}` } });
      return;
    }
    const message = parsed.data;
    if (message.type === 'ack') {
      const n = Math.max(0, (inFlight.get(message.stream) ?? 0) - 1);
      inFlight.set(message.stream, n);
      if (pending.has(message.stream)) {
        const data = pending.get(message.stream);
        pending.delete(message.stream);
        send(message.stream, data);
      }
      return;
    }
    const { id, method } = message;
    // Own properties only: 'toString', 'constructor' and '__proto__' are not commands.
    if (!Object.hasOwn(commandSchemas, method)) {
      reply({ type: 'error', id, error: { message: `unknown command '${method}'; valid: ${Object.keys(commandSchemas).join(', ')}` } });
      return;
    }
    const schema = commandSchemas[method as CommandName];
    const params = schema.safeParse(message.params ?? {});
    if (!params.success) {
      reply({ type: 'error', id, error: { message: `${method}: ${describeZodError(params.error)}` } });
      return;
    }
    try {
      const handler = handlers[method as CommandName] as (p: unknown) => unknown;
      const result = await handler(params.data);
      reply({ type: 'result', id, result });
    } catch (err) {
      reply({ type: 'error', id, error: { message: (err as Error)?.message ?? String(err) } });
    }
  }

  function send(stream: string, data: unknown): void {
    if (LOSSY_STREAMS.has(stream as StreamName)) {
      const n = inFlight.get(stream) ?? 0;
      if (n >= WINDOW) {
        if (pending.has(stream)) dropped[stream] = (dropped[stream] ?? 0) + 1;
        pending.set(stream, data);
        return;
      }
      inFlight.set(stream, n + 1);
    }
    reply({ type: 'event', stream, data });
  }

  return {
    emit: (stream, data) => send(stream, data),
    close: () => off(),
    dropped,
  };
}

export type Listener<S extends StreamName> = (data: StreamEvents[S]) => void | Promise<void>;

export interface Client {
  call<C extends CommandName>(method: C, params?: CommandParams<C>): Promise<CommandResults[C]>;
  on<S extends StreamName>(stream: S, listener: Listener<S>): () => void;
  /** Errors the server sent without a call id (malformed messages). */
  onError(listener: (message: string) => void): () => void;
  close(): void;
}

export function createClient(port: MessagePortLike): Client {
  let nextId = 1;
  const calls = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, Set<(data: unknown) => unknown>>();
  const errorListeners = new Set<(message: string) => void>();

  const off = port.onMessage(async (raw) => {
    const message = raw as { type: string; id?: number; result?: unknown; error?: { message: string }; stream?: string; data?: unknown };
    if (message.type === 'result' || message.type === 'error') {
      const call = message.id === undefined ? undefined : calls.get(message.id);
      if (!call) {
        if (message.type === 'error') for (const l of errorListeners) l(message.error?.message ?? 'unknown error');
        return;
      }
      calls.delete(message.id!);
      if (message.type === 'result') call.resolve(message.result);
      else call.reject(new ProtocolError(message.error?.message ?? 'unknown error'));
      return;
    }
    if (message.type === 'event' && message.stream) {
      const set = listeners.get(message.stream);
      const results = set ? [...set].map((l) => l(message.data)) : [];
      if (LOSSY_STREAMS.has(message.stream as StreamName)) {
        await Promise.allSettled(results);
        port.postMessage({ type: 'ack', stream: message.stream });
      }
    }
  });
  const offClose = port.onClose(() => {
    for (const call of calls.values()) call.reject(new ProtocolError('connection closed'));
    calls.clear();
  });

  return {
    call(method, params) {
      const id = nextId++;
      return new Promise((resolve, reject) => {
        calls.set(id, { resolve: resolve as (v: unknown) => void, reject });
        port.postMessage({ type: 'call', id, method, params: params ?? {} });
      });
    },
    on(stream, listener) {
      let set = listeners.get(stream);
      if (!set) listeners.set(stream, (set = new Set()));
      set.add(listener as (data: unknown) => unknown);
      return () => set.delete(listener as (data: unknown) => unknown);
    },
    onError(listener) {
      errorListeners.add(listener);
      return () => errorListeners.delete(listener);
    },
    close() {
      off();
      offClose();
      port.close();
    },
  };
}

/** What a transport delivers for a message it could not decode (see port.ts), with the call id when it could read one. */
export interface MalformedMessage {
  type: 'malformed';
  error: string;
  id?: number;
}

function isMalformed(raw: unknown): raw is MalformedMessage {
  return typeof raw === 'object' && raw !== null && (raw as { type?: unknown }).type === 'malformed' && typeof (raw as { error?: unknown }).error === 'string';
}

/** The call id of a message that failed validation, when it has a usable one: the caller's request then settles. */
function idOf(raw: unknown): { id?: number } {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'number' && Number.isSafeInteger(id) ? { id } : {};
}

function describeZodError(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`).join('; ');
}
