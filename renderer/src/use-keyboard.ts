import { useEffect } from 'react';
import { useEngine, useStore } from './use-engine.ts';

/** Space toggles play/pause, unless the focus is in a text field or on a control. */
export function useKeyboard(): void {
  const store = useStore();
  const { status } = useEngine();
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.code !== 'Space') return;
      const target = e.target as HTMLElement;
      if (['INPUT', 'SELECT', 'TEXTAREA', 'BUTTON'].includes(target.tagName)) return;
      e.preventDefault();
      void store.call(status?.playing ? 'pause' : 'play');
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, status?.playing]);
}
