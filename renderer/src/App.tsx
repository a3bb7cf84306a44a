import { useEffect, useMemo } from 'react';
import { EngineStore } from './engine-store.ts';
import { EngineContext } from './use-engine.ts';
import { Toolbar } from './Toolbar.tsx';
import { Viewport } from './Viewport.tsx';
import { ParamPanel } from './ParamPanel.tsx';
import { RobotPanel } from './RobotPanel.tsx';
import { RosPanel } from './RosPanel.tsx';
import { StageBottom } from './Playback.tsx';
import { StatusBar } from './StatusBar.tsx';
import { Toasts } from './Toasts.tsx';
import { useKeyboard } from './use-keyboard.ts';

export function App() {
  const store = useMemo(() => new EngineStore(), []);
  useEffect(() => void store.start(), [store]);
  return (
    <EngineContext.Provider value={store}>
      <Shortcuts />
      <div className="app">
        <Toolbar />
        <main className="workspace">
          <section className="stage">
            <Viewport />
            <StageBottom />
          </section>
          <ParamPanel />
        </main>
        <StatusBar />
      </div>
      <RobotPanel />
      <RosPanel />
      <Toasts />
    </EngineContext.Provider>
  );
}

function Shortcuts() {
  useKeyboard();
  return null;
}
