/**
 * An in-memory pair of connected ports (structured-clone semantics via queueMicrotask), for tests and
 * for running a client and an engine in one process.
 */
import type { MessagePortLike } from './port.ts';

export function memoryPortPair(): [MessagePortLike, MessagePortLike] {
  const listeners: [Set<(m: unknown) => void>, Set<(m: unknown) => void>] = [new Set(), new Set()];
  const closeListeners: [Set<() => void>, Set<() => void>] = [new Set(), new Set()];
  let closed = false;
  const make = (self: 0 | 1): MessagePortLike => {
    const other = (1 - self) as 0 | 1;
    return {
      postMessage(message) {
        if (closed) return;
        const copy = structuredClone(message);
        queueMicrotask(() => {
          for (const l of listeners[other]) l(copy);
        });
      },
      onMessage(listener) {
        listeners[self].add(listener);
        return () => listeners[self].delete(listener);
      },
      onClose(listener) {
        closeListeners[self].add(listener);
        return () => closeListeners[self].delete(listener);
      },
      close() {
        if (closed) return;
        closed = true;
        for (const side of closeListeners) for (const l of side) l();
      },
    };
  };
  return [make(0), make(1)];
}
