import { useEffect, useMemo } from 'react';
import { EngineStore } from './engine-store.ts';
import { ErrorBoundary } from './ErrorBoundary.tsx';
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
      {/* Each part apart: an error drawing one leaves the others (the Robot panel's E-stop) up. */}
      <div className="app">
        <ErrorBoundary name="toolbar"><Toolbar /></ErrorBoundary>
        <main className="workspace">
          <section className="stage">
            <ErrorBoundary name="viewport"><Viewport /></ErrorBoundary>
            <ErrorBoundary name="plots and playback"><StageBottom /></ErrorBoundary>
          </section>
          <ErrorBoundary name="parameter panel"><ParamPanel /></ErrorBoundary>
        </main>
        <ErrorBoundary name="status bar"><StatusBar /></ErrorBoundary>
      </div>
      <ErrorBoundary name="Robot panel"><RobotPanel /></ErrorBoundary>
      <ErrorBoundary name="ROS panel"><RosPanel /></ErrorBoundary>
      <Toasts />
    </EngineContext.Provider>
  );
}

function Shortcuts() {
  useKeyboard();
  return null;
}
