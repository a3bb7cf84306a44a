import { useEffect, useRef, useState } from 'react';
import { readPad, type PadState } from './gamepad.ts';

/** How often the pad is read (the browser has no events for stick motion, only polling). */
const POLL_MS = 50;

/**
 * Polls the first connected gamepad (navigator.getGamepads) 20 times a second while mounted and calls
 * `onPad` with its state and the seconds since the last call. Returns the pad's state for display,
 * undefined while none is connected.
 */
export function useGamepad(onPad: (pad: PadState, dt: number) => void): PadState | undefined {
  const [shown, setShown] = useState<PadState | undefined>(undefined);
  const handler = useRef(onPad);
  handler.current = onPad;
  useEffect(() => {
    let last = performance.now();
    let before = '';
    const timer = setInterval(() => {
      const now = performance.now();
      const dt = (now - last) / 1000;
      last = now;
      const raw = navigator.getGamepads?.().find((p) => p?.connected);
      const pad = raw ? readPad(raw) : undefined;
      // Re-render only when what the panel shows changes, not 20 times a second.
      const key = pad ? `${pad.id}|${pad.enabled}|${pad.turbo}` : '';
      if (key !== before) setShown(pad);
      before = key;
      if (pad) handler.current(pad, dt);
    }, POLL_MS);
    return () => clearInterval(timer);
  }, []);
  return shown;
}
