import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { throttle } from './throttle.ts';

describe('throttle', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('sends the first value at once, then at most once per interval, ending with the last', () => {
    const sent: number[] = [];
    const send = throttle((v: number) => sent.push(v), 100);
    send(1);
    expect(sent).toEqual([1]);
    for (let v = 2; v <= 25; v++) {
      vi.advanceTimersByTime(10); // a drag: a value every 10 ms for 240 ms
      send(v);
    }
    vi.advanceTimersByTime(200);
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent.length).toBeGreaterThanOrEqual(3);
    expect(sent.at(-1)).toBe(25);
  });

  it('keeps sending while a drag goes on (not only when it stops)', () => {
    const sent: number[] = [];
    const send = throttle((v: number) => sent.push(v), 100);
    for (let v = 0; v < 100; v++) {
      send(v);
      vi.advanceTimersByTime(10);
    }
    expect(sent.length).toBeGreaterThanOrEqual(9);
  });

  it('drops the pending value when cancelled', () => {
    const sent: number[] = [];
    const send = throttle((v: number) => sent.push(v), 100);
    send(1);
    send(2);
    send.cancel();
    vi.advanceTimersByTime(500);
    expect(sent).toEqual([1]);
  });
});
