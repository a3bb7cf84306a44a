import { useEffect, useState } from 'react';
import type { SceneView } from './scene-view.ts';
import { useEngine, useStore } from './use-engine.ts';

interface Live {
  position: [number, number, number];
  speed: number;
}

/**
 * The body picked in the viewport (double-click): what it is, its mass, where it is and how fast it
 * moves, the joint that carries it, and the pull on it while Ctrl+dragging.
 */
export function Inspector({ view }: { view: SceneView | undefined }) {
  const store = useStore();
  const { snapshot, selectedBody, telemetry } = useEngine();
  const live = useLivePose(selectedBody, view);
  if (!snapshot || selectedBody === undefined || !view) return null;
  const body = snapshot.scene.bodies[selectedBody];
  if (!body) return null;
  const jointIndex = snapshot.scene.joints.findIndex((j) => j.child === selectedBody);
  const joint = snapshot.scene.joints[jointIndex];
  const q = joint ? telemetry?.joints?.position[jointIndex] : undefined;
  const pull = telemetry?.perturb?.body === selectedBody ? telemetry.perturb : undefined;
  const mass = snapshot.bodyMasses?.[selectedBody];
  return (
    <div className="inspector" data-testid="inspector">
      <div className="inspector-head">
        <b data-testid="inspector-name">{body.name}</b>
        <span className="card-kind">{body.kind === 'fixed' ? 'fixed' : 'moving'}</span>
        <button className="close" title="Close the inspector" onClick={() => store.select(undefined)}>
          ×
        </button>
      </div>
      <dl className="model-info">
        {mass !== undefined && body.kind === 'dynamic' && (
          <Row name="mass">
            <span data-testid="inspector-mass">{mass.toFixed(3)}</span> kg
          </Row>
        )}
        {live && (
          <Row name="position">
            <span data-testid="inspector-position">{live.position.map((v) => v.toFixed(3)).join(', ')}</span> m
          </Row>
        )}
        {live && body.kind === 'dynamic' && <Row name="speed">{live.speed.toFixed(3)} m/s</Row>}
        {joint && (
          <Row name={`joint ${joint.name}`}>
            {joint.type}
            {q !== undefined ? ` · ${q.toFixed(3)}` : ''}
            {joint.limits ? ` in [${joint.limits[0].toFixed(2)}, ${joint.limits[1].toFixed(2)}]` : ''}
          </Row>
        )}
        {pull && (
          <Row name="pull">
            <span data-testid="inspector-pull">{Math.hypot(...pull.force).toFixed(1)}</span> N
          </Row>
        )}
      </dl>
      {body.kind === 'dynamic' && <p className="muted hint">Ctrl+drag the body to pull it</p>}
    </div>
  );
}

function Row({ name, children }: { name: string; children: React.ReactNode }) {
  return (
    <div>
      <dt>{name}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/** The body's position from the frames, and its speed between them, at most 5 times a second. */
function useLivePose(body: number | undefined, view: SceneView | undefined): Live | undefined {
  const store = useStore();
  const [live, setLive] = useState<Live>();
  useEffect(() => {
    const drawn = body === undefined ? undefined : view?.bodyPosition(body);
    // Paused, no frame comes: start from where the view draws it.
    setLive(drawn ? { position: drawn, speed: 0 } : undefined);
    if (body === undefined) return;
    let last: { t: number; p: [number, number, number] } | undefined;
    let shown = 0;
    return store.onFrame((f) => {
      const o = body * 7;
      if (o + 2 >= f.poses.length) return;
      const p: [number, number, number] = [f.poses[o]!, f.poses[o + 1]!, f.poses[o + 2]!];
      const now = performance.now();
      if (now - shown < 200 && last) return;
      const dt = last ? f.time - last.t : 0;
      const speed = last && dt > 0 ? Math.hypot(p[0] - last.p[0], p[1] - last.p[1], p[2] - last.p[2]) / dt : 0;
      last = { t: f.time, p };
      shown = now;
      setLive({ position: p, speed });
    });
  }, [store, body, view]);
  return live;
}
