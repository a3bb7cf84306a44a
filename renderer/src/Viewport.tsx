import { useEffect, useRef, useState } from 'react';
import { EpisodeBadge } from './EpisodeBadge.tsx';
import { Inspector } from './Inspector.tsx';
import { SceneView, type CameraPreset, type OverlayStats } from './scene-view.ts';
import { sceneSignature } from './scene-signature.ts';
import { useEngine, useStore } from './use-engine.ts';
import { Readouts } from './Readouts.tsx';

export function Viewport() {
  const store = useStore();
  const { snapshot, status, telemetry, selectedBody, playback } = useEngine();
  const container = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<SceneView>();
  const [showCollision, setShowCollision] = useToggle('collision', false);
  const [showPlan, setShowPlan] = useToggle('plan', true);
  const [showJointFrames, setShowJointFrames] = useToggle('joint-frames', false);
  const [showContacts, setShowContacts] = useToggle('contacts', false);
  const [follow, setFollow] = useToggle('follow', true);

  useEffect(() => {
    const v = new SceneView(container.current!);
    setView(v);
    v.callbacks = { onSelect: (body) => store.select(body), onPull: (pull) => store.perturb(pull) };
    const offFrame = store.onFrame((f) => v.applyFrame(f));
    const offPlan = store.onPlan((p) => v.applyPlan(p));
    // A reset ends the episode: its plan traces and any pull go with it.
    const offReset = store.onReset(() => {
      v.clearPlan();
      v.endPull(false);
    });
    return () => {
      offFrame();
      offPlan();
      offReset();
      v.dispose();
    };
  }, [store]);

  // Every snapshot carries the scene; rebuild only when what is drawn changed, so a slider move keeps
  // the meshes and the camera where the user left them.
  const drawn = useRef<string>(undefined);
  // A recording opened for playback draws its own scene (Playback.tsx feeds its frames).
  const scene = playback?.scene ?? snapshot?.scene;
  useEffect(() => {
    if (!view || !scene) return;
    const signature = sceneSignature(scene);
    if (signature === drawn.current) return;
    drawn.current = signature;
    view.setScene(scene);
  }, [view, scene]);

  // A controller without a plan (or a new one) must not leave the old one's traces behind.
  useEffect(() => view?.clearPlan(), [view, snapshot?.controller.id, snapshot?.task.id, playback]);

  useEffect(() => view?.select(selectedBody), [view, selectedBody]);

  const plans = snapshot?.controller.plans ?? false;
  useEffect(() => view?.setOptions({ showCollision, showPlan: showPlan && plans, showJointFrames, showContacts, follow }), [view, showCollision, showPlan, plans, showJointFrames, showContacts, follow]);
  const camera = (preset: CameraPreset) => {
    // A preset view is a place to stay: tracking would carry it off with the robot.
    if (preset !== 'fit') setFollow(false);
    view?.setCameraPreset(preset);
  };

  // Contacts come from the engine, and only while this toggle asks for them.
  useEffect(() => store.setOverlays({ contacts: showContacts }), [store, showContacts]);

  return (
    <div className="viewport" data-testid="viewport">
      <div ref={container} className="canvas-host" />
      <div className="overlay top-left view-toggles">
        <span className="time" data-testid="sim-time">
          {playback ? 'playback · live ' : ''}t = {(status?.playing && telemetry ? telemetry.time : (status?.time ?? 0)).toFixed(2)} s
        </span>
        {plans && <Toggle testId="show-plan" label="Plan" title="The planner's sampled (blue) and chosen (yellow) trajectories" checked={showPlan} onChange={setShowPlan} />}
        <Toggle testId="show-collision" label="Collision" title="Collision-only geometry as pink wireframe" checked={showCollision} onChange={setShowCollision} />
        <Toggle testId="show-joint-frames" label="Joint frames" title="Each joint's frame at its anchor (x red, y green, z blue) and its axis (yellow arrow)" checked={showJointFrames} onChange={setShowJointFrames} />
        <span className="camera-presets">
          <Toggle testId="follow" label="Track base" title="The camera moves with a walking robot's base" checked={follow} onChange={setFollow} />
          <button data-testid="camera-top" title="Look down from above" onClick={() => camera('top')}>
            Top
          </button>
          <button data-testid="camera-side" title="Look from the side (along +y)" onClick={() => camera('side')}>
            Side
          </button>
          <button data-testid="camera-fit" title="Frame the scene from a three-quarter view" onClick={() => camera('fit')}>
            Fit
          </button>
        </span>
        <Toggle testId="show-contacts" label="Contacts" title="Contact points (red) and normal forces (orange arrows, longest = largest recent force)" checked={showContacts} onChange={setShowContacts} />
      </div>
      {status?.error && (
        <div className="error-banner" data-testid="error">
          {status.error} — the simulation is holding. Reset or pick another controller.
        </div>
      )}
      <OverlayLegend view={view} jointFrames={showJointFrames} contacts={showContacts} ghost={snapshot?.ghost} />
      <div className="overlay top-right right-stack">
        {/* The live episode's verdict and readouts would mislabel a recording being played back. */}
        {!playback && <EpisodeBadge />}
        <Inspector view={view} />
      </div>
      {!playback && <Readouts />}
      <FrameRate view={view} />
    </div>
  );
}

/** Frames the viewport rendered over the last second, as MuJoCo simulate's info overlay shows. */
function FrameRate({ view }: { view: SceneView | undefined }) {
  const [fps, setFps] = useState(0);
  useEffect(() => {
    if (!view) return;
    const timer = setInterval(() => setFps(view.fps()), 500);
    return () => clearInterval(timer);
  }, [view]);
  return (
    <div className="fps muted" data-testid="viewport-fps" title="Viewport frames rendered over the last second (frames are drawn when something moves)">
      {fps} fps{view?.software ? ' · software WebGL' : ''}
    </div>
  );
}

function Toggle(props: { testId: string; label: string; title: string; checked: boolean; onChange: (checked: boolean) => void }) {
  return (
    <label title={props.title}>
      <input type="checkbox" data-testid={props.testId} checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} /> {props.label}
    </label>
  );
}

/** Counts for the overlays that are on: how many joint frames, how many contacts and their total force; the ghost drawn. */
function OverlayLegend({ view, jointFrames, contacts, ghost }: { view: SceneView | undefined; jointFrames: boolean; contacts: boolean; ghost: 'rapier' | 'mujoco' | undefined }) {
  const [stats, setStats] = useState<OverlayStats>();
  useEffect(() => view?.onOverlayStats(setStats), [view]);
  const ghostShown = !!ghost && !!stats?.ghostBodies;
  if (!stats || (!jointFrames && !contacts && !ghostShown)) return null;
  return (
    <div className="overlay bottom-right overlay-legend" data-testid="overlay-legend">
      {ghostShown && (
        <div>
          <span className="swatch ghost" /> <span data-testid="ghost-legend">ghost: {ghost === 'mujoco' ? 'MuJoCo' : 'Rapier'}, {stats.ghostBodies} bodies</span>
        </div>
      )}
      {jointFrames && (
        <div>
          <span className="swatch joint-axis" /> <span data-testid="joint-frame-count">joint frames: {stats.jointFrames}</span>
        </div>
      )}
      {contacts && (
        <div>
          <span className="swatch contact" /> <span data-testid="contact-count">contacts: {stats.contacts}</span>{' '}
          <span className="muted" data-testid="contact-force">
            Σ normal force {stats.totalForce.toFixed(stats.totalForce < 10 ? 2 : 1)} N
          </span>
        </div>
      )}
    </div>
  );
}

/** A viewport toggle, kept across scene rebuilds and remembered by this browser across reloads. */
function useToggle(key: string, initial: boolean): [boolean, (value: boolean) => void] {
  const storageKey = `actuate.viewport.${key}`;
  const [value, setValue] = useState(() => {
    const stored = readStorage(storageKey);
    return stored === undefined ? initial : stored === 'on';
  });
  const set = (next: boolean) => {
    setValue(next);
    writeStorage(storageKey, next ? 'on' : 'off');
  };
  return [value, set];
}

// Storage can be unavailable (privacy modes, sandboxed pages): the toggles then last for the session.
function readStorage(key: string): string | undefined {
  try {
    return localStorage.getItem(key) ?? undefined;
  } catch {
    return undefined;
  }
}

function writeStorage(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // the toggle still works, it is just not remembered
  }
}
