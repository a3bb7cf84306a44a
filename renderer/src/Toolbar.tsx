import { useState } from 'react';
import { speedShortfall } from './speed-warning.ts';
import { useEngine, useStore } from './use-engine.ts';

export function Toolbar() {
  const store = useStore();
  const { tasks, controllers, snapshot, status, connection, speed, telemetry } = useEngine();
  const [seed, setSeed] = useState<number>();
  const shownSeed = seed ?? status?.seed ?? snapshot?.seed ?? 0;
  const shownSpeed = String(speed);
  const playing = status?.playing ?? false;
  const shortfall = speedShortfall(speed, telemetry?.timing.realtimeFactor, playing);
  return (
    <header className="toolbar">
      <div className="brand">Actuate</div>
      <label className="picker">
        Task
        <select data-testid="task-select" value={snapshot?.task.id ?? ''} onChange={(e) => void store.call('setTask', { id: e.target.value })}>
          {tasks.map((t) => (
            <option key={t.id} value={t.id} title={t.description}>
              {t.title}
            </option>
          ))}
          {snapshot && !tasks.some((t) => t.id === snapshot.task.id) && <option value={snapshot.task.id}>{snapshot.task.title}</option>}
        </select>
      </label>
      <label className="picker">
        Controller
        <select data-testid="controller-select" value={snapshot?.controller.id ?? ''} onChange={(e) => void store.call('setController', { id: e.target.value })}>
          {controllers.map((c) => (
            <option key={c.id} value={c.id} title={c.description}>
              {c.title}
            </option>
          ))}
        </select>
      </label>
      <label className="picker" title="The physics engine the robot simulates in (the same scene, controller and start)">
        Engine
        <select data-testid="engine-select" value={snapshot?.engine ?? 'rapier'} disabled={connection !== 'connected'} onChange={(e) => void store.call('setEngine', { engine: e.target.value as 'rapier' | 'mujoco' })}>
          <option value="rapier">Rapier</option>
          <option value="mujoco">MuJoCo</option>
        </select>
      </label>
      <label className="picker ghost-check" title="Runs the same task and controller in the other engine from here on, drawn as a translucent ghost">
        <input
          type="checkbox"
          data-testid="ghost-toggle"
          checked={!!snapshot?.ghost}
          disabled={connection !== 'connected'}
          onChange={(e) => void store.call('setGhost', { on: e.target.checked })}
        />
        Check in {snapshot?.engine === 'mujoco' ? 'Rapier' : 'MuJoCo'}
      </label>
      <div className="transport">
        <button data-testid="play" className={playing ? 'active' : ''} disabled={connection !== 'connected'} onClick={() => void store.call(playing ? 'pause' : 'play')} title="Play / pause (space)">
          {playing ? '❚❚ Pause' : '▶ Play'}
        </button>
        <button data-testid="step" disabled={playing || connection !== 'connected'} onClick={() => void store.call('step', { count: 1 })} title="Advance one control step">
          Step
        </button>
        <button data-testid="reset" disabled={connection !== 'connected'} onClick={() => void store.reset(shownSeed)} title="Reset the task with this seed">
          Reset
        </button>
        <label className="seed">
          seed
          <input data-testid="seed" type="number" min={0} value={shownSeed} onChange={(e) => setSeed(Math.max(0, Math.floor(Number(e.target.value) || 0)))} />
        </label>
        <label className="seed">
          speed
          <select
            data-testid="speed"
            value={shownSpeed}
            onChange={(e) => void store.setSpeed(Number(e.target.value))}
          >
            {[...new Set(['0.1', '0.25', '0.5', '1', '2', '4', shownSpeed])].sort((a, b) => Number(a) - Number(b)).map((s) => (
              <option key={s} value={s}>
                {s}×
              </option>
            ))}
          </select>
        </label>
        {shortfall && (
          <span className="speed-warning" data-testid="speed-warning" title="Simulated seconds per wall second, measured by the engine over the last second">
            ⚠ {shortfall}
          </span>
        )}
      </div>
      <RobotOpener />
    </header>
  );
}

function RobotOpener() {
  const store = useStore();
  const [path, setPath] = useState('');
  return (
    <form
      className="open-robot"
      onSubmit={(e) => {
        e.preventDefault();
        if (path.trim()) void store.call('openRobot', { file: path.trim() });
      }}
    >
      <input data-testid="robot-path" placeholder="Open robot… (URDF / MJCF path on the engine host)" value={path} onChange={(e) => setPath(e.target.value)} />
      <button data-testid="open-robot" type="submit">
        Open
      </button>
    </form>
  );
}
