import { createContext, useContext, useSyncExternalStore } from 'react';
import type { EngineState, EngineStore } from './engine-store.ts';

export const EngineContext = createContext<EngineStore | null>(null);

export function useStore(): EngineStore {
  const store = useContext(EngineContext);
  if (!store) throw new Error('useStore outside <EngineContext.Provider>');
  return store;
}

export function useEngine(): EngineState {
  const store = useStore();
  return useSyncExternalStore(store.subscribe, () => store.get());
}
