/**
 * The Robot panel: connect a real robot from its robot.json (the shipped configs and --robots
 * folders), see its joints, faults and safety counters live, jog its joints from the keyboard, and
 * stop it. EMERGENCY STOP (the button, or Esc anywhere in the studio) turns torque off in the engine
 * at once, not behind the controller's queue.
 */
import { useEffect, useRef, useState } from 'react';
import { JOG_LEAD, type RobotConfigInfo, type RobotStatus, type SessionSnapshot } from '../../protocol/api.ts';
import { CalibrationFlow } from './CalibrationFlow.tsx';
import { fixed } from './format.ts';
import { padArm, PAD_HELP, type PadState } from './gamepad.ts';
import { useGamepad } from './use-gamepad.ts';
import { useEngine, useStore } from './use-engine.ts';
import './RobotPanel.css';

/** Radians per arrow key press (Shift: five times as far). */
const JOG_STEP = 0.02;
/** Metres per end-effector key press (Shift: four times as far). */
const TOOL_STEP = 0.005;
/** End-effector keys: world-frame directions of the tool point. */
const TOOL_KEYS: Record<string, [number, number, number]> = { w: [1, 0, 0], s: [-1, 0, 0], a: [0, 1, 0], d: [0, -1, 0], r: [0, 0, 1], f: [0, 0, -1] };
/** Gamepad rates at full stick with RB (half without): tool point m/s, selected joint rad/s. */
const PAD_TOOL_SPEED = 0.05;
const PAD_JOINT_SPEED = 0.5;
/** A press within this long of the last builds on the value sent, not on a snapshot still on its way. */
const JOG_MEMORY_MS = 2000;

export function RobotPanel() {
  const store = useStore();
  const { robot, connection, calibration } = useEngine();
  const [open, setOpen] = useState(false);
  const [calibrating, setCalibrating] = useState(false);
  const connected = robot !== undefined && robot.mode !== 'disconnected';

  // Esc stops the robot from anywhere in the studio, before any other handler sees the key.
  useEffect(() => {
    if (!connected) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      e.preventDefault();
      void store.call('emergencyStop', { reason: 'Esc pressed in the studio' });
    };
    window.addEventListener('keydown', onKey, { capture: true });
    return () => window.removeEventListener('keydown', onKey, { capture: true });
  }, [store, connected]);

  return (
    <div className={`robot-panel${open ? ' open' : ''}`} data-testid="robot-panel">
      <div className="robot-panel-bar">
        <button type="button" data-testid="robot-panel-toggle" onClick={() => setOpen(!open)}>
          Robot{connected ? `: ${robot.name}` : ''} {open ? '▾' : '▸'}
        </button>
        {connected && (
          <button type="button" className="estop" data-testid="robot-estop" title="Torque off now (Esc)" onClick={() => void store.call('emergencyStop', { reason: 'studio button' })}>
            EMERGENCY STOP
          </button>
        )}
      </div>
      {open && connection === 'connected' &&
        (calibrating && calibration && calibration.step !== 'idle' ? (
          <CalibrationFlow status={calibration} onClose={() => setCalibrating(false)} />
        ) : connected ? (
          <Connected robot={robot} />
        ) : (
          <Connect onCalibrate={() => setCalibrating(true)} />
        ))}
    </div>
  );
}

function Connect({ onCalibrate }: { onCalibrate: () => void }) {
  const store = useStore();
  const [configs, setConfigs] = useState<RobotConfigInfo[]>([]);
  const [chosen, setChosen] = useState('');
  const [port, setPort] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const [dryRun, setDryRun] = useState(false);
  useEffect(() => {
    store.request('listRobotConfigs', {}).then(
      (list) => {
        setConfigs(list);
        const first = list.find((c) => c.role === 'follower') ?? list[0];
        if (first) {
          setChosen(first.path);
          setPort(first.port);
        }
      },
      (err: Error) => setError(err.message),
    );
  }, [store]);
  const connect = async () => {
    setBusy(true);
    setError('');
    try {
      await store.request('connectRobot', { config: chosen, ...(port ? { port } : {}), ...(dryRun ? { dryRun } : {}) });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const calibrate = async () => {
    setBusy(true);
    setError('');
    try {
      await store.request('calibrateRobot', { action: 'start', config: chosen, ...(port ? { port } : {}) });
      onCalibrate();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="robot-connect">
      <label>
        Configuration
        <select data-testid="robot-config" value={chosen} onChange={(e) => {
          setChosen(e.target.value);
          setPort(configs.find((c) => c.path === e.target.value)?.port ?? '');
        }}>
          {configs.map((c) => (
            <option key={c.path} value={c.path}>{`${c.name} (${c.role}, ${c.bus})`}</option>
          ))}
        </select>
      </label>
      <label>
        Port (a ROS robot: its master or rosbridge URL)
        <input data-testid="robot-port" value={port} onChange={(e) => setPort(e.target.value)} placeholder="/dev/ttyACM0" />
      </label>
      <label className="robot-dry-run" title="Torque stays off; the commands drive the robot's simulated twin in the viewport">
        <input type="checkbox" data-testid="robot-dry-run" checked={dryRun} onChange={(e) => setDryRun(e.target.checked)} /> Dry run: read the robot, move only its twin
      </label>
      <button type="button" data-testid="robot-connect" disabled={!chosen || busy} onClick={() => void connect()}>
        {busy ? 'Connecting…' : 'Connect'}
      </button>
      <button type="button" data-testid="robot-calibrate" disabled={!chosen || busy} title="Torque off; set each joint's middle and record its range; saved into the robot.json" onClick={() => void calibrate()}>
        Calibrate…
      </button>
      {configs.length === 0 && !error && <p className="muted">No robot.json found (start the studio with --robots &lt;folder&gt;).</p>}
      {error && <p className="robot-error" data-testid="robot-error">{error}</p>}
    </div>
  );
}

function Connected({ robot }: { robot: RobotStatus }) {
  const store = useStore();
  const { snapshot } = useEngine();
  const [selected, setSelected] = useState(0);
  const sent = useRef(new Map<string, { value: number; at: number }>());
  const joint = robot.joints[selected];

  /** Moves the selected joint's slider by `delta` rad from its last goal. */
  const jog = (delta: number) => {
    const target = joint && snapshot ? jogTarget(snapshot, joint.name) : undefined;
    // A joint the robot could not read (null over JSON) gives nothing to jog from.
    if (!target || !joint || !Number.isFinite(joint.position)) return;
    const last = sent.current.get(target.key);
    const from = last && performance.now() - last.at < JOG_MEMORY_MS ? last.value : (target.value ?? joint.position);
    const lead = Math.max(JOG_LEAD, Math.abs(delta));
    const value = Math.min(target.max, joint.position + lead, Math.max(target.min, joint.position - lead, from + delta));
    sent.current.set(target.key, { value, at: performance.now() });
    void store.call('setParams', { scope: 'controller', values: { [target.key]: value } });
  };
  const pick = (step: number) => setSelected((i) => (i + step + robot.joints.length) % robot.joints.length);

  // Gamepad: tool motion waits for the engine's answer to the last jog, adding up what the stick asked meanwhile.
  const tool = useRef({ pending: [0, 0, 0] as [number, number, number], busy: false });
  const before = useRef<PadState | undefined>(undefined);
  const onPad = (pad: PadState, dt: number) => {
    const was = before.current;
    before.current = pad;
    if (pad.stop && !was?.stop) void store.call('emergencyStop', { reason: 'gamepad B pressed' });
    if (pad.up && !was?.up) pick(-1);
    if (pad.down && !was?.down) pick(1);
    const rates = padArm(pad);
    if (rates.joint !== 0) jog(rates.joint * PAD_JOINT_SPEED * dt);
    const t = tool.current;
    rates.tool.forEach((r, i) => (t.pending[i]! += r * PAD_TOOL_SPEED * Math.min(dt, 0.2)));
    if (!pad.enabled) t.pending = [0, 0, 0];
    if (t.busy || Math.hypot(...t.pending) < 1e-4) return;
    // The engine takes at most 5 cm a jog; a long wait for its answer does not make a bigger leap.
    const k = Math.min(1, 0.04 / Math.hypot(...t.pending));
    const delta = t.pending.map((d) => d * k) as [number, number, number];
    t.pending = [0, 0, 0];
    t.busy = true;
    store.request('jogEndEffector', { delta }).catch(() => undefined).finally(() => (t.busy = false));
  };
  const pad = useGamepad(onPad);
  const onKey = (e: React.KeyboardEvent) => {
    const n = robot.joints.length;
    if (e.key === 'ArrowUp') setSelected((selected + n - 1) % n);
    else if (e.key === 'ArrowDown') setSelected((selected + 1) % n);
    else if (e.key === 'ArrowLeft') jog(-JOG_STEP * (e.shiftKey ? 5 : 1));
    else if (e.key === 'ArrowRight') jog(JOG_STEP * (e.shiftKey ? 5 : 1));
    else if (TOOL_KEYS[e.key.toLowerCase()]) {
      const step = TOOL_STEP * (e.shiftKey ? 4 : 1);
      const d = TOOL_KEYS[e.key.toLowerCase()]!;
      void store.call('jogEndEffector', { delta: [d[0] * step, d[1] * step, d[2] * step] });
    } else return;
    e.preventDefault();
  };
  const counters = Object.entries(robot.counters).filter(([, v]) => v > 0);
  return (
    <div className="robot-connected">
      <p>
        <span className={`robot-mode mode-${robot.mode}`} data-testid="robot-mode">{robot.mode}</span>{' '}
        <span data-testid="robot-torque" className={robot.torque ? 'torque-on' : 'torque-off'}>{robot.torque ? 'torque on' : 'torque off'}</span>{' '}
        <span className="muted">{robot.port}</span>
        {robot.dryRun && <span className="robot-mode mode-holding" data-testid="robot-dry-run-badge">dry run: joints are the twin's</span>}
      </p>
      {robot.stopReason && <p className="robot-error" data-testid="robot-stop-reason">{robot.stopReason}</p>}
      <div className="robot-jog" tabIndex={0} data-testid="robot-jog" onKeyDown={onKey}>
        <table className="robot-joints">
          <thead>
            <tr><th>joint</th><th>rad</th><th>rad/s</th><th>°C</th><th>V</th></tr>
          </thead>
          <tbody>
            {robot.joints.map((j, i) => (
              <tr key={j.name} className={i === selected ? 'selected' : ''} data-testid={`robot-joint-${j.name}`} onClick={() => setSelected(i)}>
                <td>{j.name}</td>
                <td data-testid={`robot-joint-${j.name}-position`}>{fixed(j.position, 3)}</td>
                <td>{fixed(j.velocity, 2)}</td>
                <td>{fixed(j.temperature, 0)}</td>
                <td>{fixed(j.voltage, 1)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">Click here, then ↑/↓ pick a joint, ←/→ jog it ({JOG_STEP} rad; Shift ×5); W/S, A/D, R/F move the {robot.tool?.body ?? 'tool'} along x, y, z ({TOOL_STEP * 1000} mm; Shift ×4). Esc: emergency stop.</p>
        <p className="muted" data-testid="robot-gamepad">
          {pad
            ? `Gamepad ${pad.id}${pad.enabled ? ' — enabled' : ''}: ${PAD_HELP.deadman}; ${PAD_HELP.arm}; ${PAD_HELP.turbo} (${PAD_TOOL_SPEED * 1000} mm/s, ${PAD_JOINT_SPEED} rad/s); ${PAD_HELP.stop}.`
            : 'Gamepad: none (press a button on it to connect).'}
        </p>
        {robot.tool && (
          <p className="muted" data-testid="robot-tool">
            {robot.tool.body} at <span data-testid="robot-tool-position">{robot.tool.position.map((v) => fixed(v, 4)).join(' ')}</span> m
          </p>
        )}
      </div>
      <h3>Safety</h3>
      <p data-testid="robot-counters" className="muted">{counters.length ? counters.map(([k, v]) => `${k} ${v}`).join(' · ') : 'no clamps or trips'}</p>
      {robot.hardwareWatchdog && <p className="muted">Bus Watchdog armed: the servos stop by themselves if the engine dies.</p>}
      {robot.faults.length > 0 && (
        <ul className="robot-faults" data-testid="robot-faults">
          {robot.faults.map((f) => <li key={f.message}>{f.message}</li>)}
        </ul>
      )}
      <button type="button" data-testid="robot-disconnect" onClick={() => void store.call('disconnectRobot', {})}>Disconnect (torque off)</button>
    </div>
  );
}

/** The jog controller's slider for a robot joint: its key, range and present value. */
function jogTarget(snapshot: SessionSnapshot, jointName: string): { key: string; min: number; max: number; value: number | undefined } | undefined {
  const { scene, controller } = snapshot;
  const actuator = scene.actuators.find((a) => scene.joints[a.joint]?.name === jointName);
  const spec = actuator && controller.params.find((p) => p.key === actuator.name);
  if (!actuator || !spec || spec.kind !== 'number') return undefined;
  const value = controller.values[spec.key];
  return { key: spec.key, min: spec.min ?? -Infinity, max: spec.max ?? Infinity, value: typeof value === 'number' ? value : undefined };
}
