/**
 * Calls `fn` at most once per `intervalMs` while values keep coming, always ending with the last
 * value: a dragged slider reaches the engine ten times a second, and where it stopped.
 */
export interface Throttled<T> {
  (value: T): void;
  /** Drops a pending trailing call (the control unmounted). */
  cancel(): void;
}

export function throttle<T>(fn: (value: T) => void, intervalMs: number, now: () => number = () => Date.now()): Throttled<T> {
  let last = -Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: { value: T } | undefined;
  const flush = () => {
    timer = undefined;
    if (!pending) return;
    const { value } = pending;
    pending = undefined;
    last = now();
    fn(value);
  };
  const throttled = (value: T) => {
    pending = { value };
    if (timer) return;
    const wait = last + intervalMs - now();
    if (wait <= 0) flush();
    else timer = setTimeout(flush, wait);
  };
  throttled.cancel = () => {
    clearTimeout(timer);
    timer = undefined;
    pending = undefined;
  };
  return throttled;
}
