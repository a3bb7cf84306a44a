import { useEffect, useRef, useState } from 'react';
import { SceneView } from './scene-view.ts';
import { sceneSignature } from './scene-signature.ts';
import { useEngine, useStore } from './use-engine.ts';
import { Readouts } from './Readouts.tsx';

export function Viewport() {
  const store = useStore();
  const { snapshot, status, telemetry } = useEngine();
  const container = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<SceneView>();
  const [showCollision, setShowCollision] = useState(false);
  const [showPlan, setShowPlan] = useState(true);

  useEffect(() => {
    const v = new SceneView(container.current!);
    setView(v);
    const offFrame = store.onFrame((f) => v.applyFrame(f));
    const offPlan = store.onPlan((p) => v.applyPlan(p));
    return () => {
      offFrame();
      offPlan();
      v.dispose();
    };
  }, [store]);

  // Every snapshot carries the scene; rebuild only when what is drawn changed, so a slider move keeps
  // the meshes and the camera where the user left them.
  const drawn = useRef<string>(undefined);
  useEffect(() => {
    if (!view || !snapshot) return;
    const signature = sceneSignature(snapshot.scene);
    if (signature === drawn.current) return;
    drawn.current = signature;
    view.setScene(snapshot.scene);
  }, [view, snapshot?.scene]);

  // A controller without a plan (or a new one) must not leave the old one's traces behind.
  useEffect(() => view?.clearPlan(), [view, snapshot?.controller.id, snapshot?.task.id]);

  useEffect(() => view?.setOptions({ showCollision, showPlan }), [view, showCollision, showPlan]);

  return (
    <div className="viewport" data-testid="viewport">
      <div ref={container} className="canvas-host" />
      <div className="overlay top-left">
        <span className="time" data-testid="sim-time">t = {(status?.playing && telemetry ? telemetry.time : (status?.time ?? 0)).toFixed(2)} s</span>
        <label>
          <input type="checkbox" checked={showPlan} onChange={(e) => setShowPlan(e.target.checked)} /> plan
        </label>
        <label>
          <input type="checkbox" data-testid="show-collision" checked={showCollision} onChange={(e) => setShowCollision(e.target.checked)} /> collision
        </label>
      </div>
      {status?.error && (
        <div className="error-banner" data-testid="error">
          {status.error} — the simulation is holding. Reset or pick another controller.
        </div>
      )}
      <Readouts />
    </div>
  );
}
