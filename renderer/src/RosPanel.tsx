/**
 * The ROS panel: puts the live session on a ROS 1 master or a rosbridge server (ROS 2 behind it) with
 * a topic namespace, a publishing rate and, if wanted, other names for its topics, lists every open connection's topics — published and
 * subscribed, with their types and live message counts — and what the connection had to say (master
 * lost, commands ignored), and closes them. Connections `serve --ros1/--rosbridge` made show here too.
 */
import { useEffect, useState } from 'react';
import type { RosConnectionStatus, RosStatus } from '../../protocol/api.ts';
import { useEngine, useStore } from './use-engine.ts';
import './RobotPanel.css';

const DEFAULT_URL = { ros1: 'http://localhost:11311', rosbridge: 'ws://localhost:9090' } as const;
/** The topics a connection publishes and takes, by their default names (engine/ros-session.ts). */
const TOPICS = ['joint_states', 'tf', 'odom', 'task_state', 'cmd_vel', 'joint_commands', 'joint_trajectory'];

export function RosPanel() {
  const store = useStore();
  const { ros, connection } = useEngine();
  const [open, setOpen] = useState(false);
  const [fetched, setFetched] = useState<RosStatus>();
  useEffect(() => {
    if (open && connection === 'connected') store.request('rosStatus', {}).then(setFetched, () => undefined);
  }, [store, open, connection]);
  const status = ros ?? fetched;
  const count = status?.connections.length ?? 0;
  return (
    <div className={`robot-panel ros-panel${open ? ' open' : ''}`} data-testid="ros-panel">
      <div className="robot-panel-bar">
        <button type="button" data-testid="ros-panel-toggle" onClick={() => setOpen(!open)}>
          ROS{count ? `: ${count} connected` : ''} {open ? '▾' : '▸'}
        </button>
      </div>
      {open && connection === 'connected' && (
        <>
          {status?.connections.map((c) => <Connection key={c.id} connection={c} onClosed={setFetched} />)}
          <Connect onConnected={setFetched} />
        </>
      )}
    </div>
  );
}

function Connect({ onConnected }: { onConnected: (status: RosStatus) => void }) {
  const store = useStore();
  const [kind, setKind] = useState<'ros1' | 'rosbridge'>('ros1');
  const [url, setUrl] = useState<string>(DEFAULT_URL.ros1);
  const [namespace, setNamespace] = useState('');
  const [rate, setRate] = useState('50');
  const [joints, setJoints] = useState('');
  const [renames, setRenames] = useState<Record<string, string>>({});
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const connect = async () => {
    setBusy(true);
    setError('');
    try {
      const topics = Object.fromEntries(Object.entries(renames).filter(([, name]) => name.trim() !== ''));
      const names = joints.split(',').map((j) => j.trim()).filter(Boolean);
      onConnected(await store.request('rosConnect', { kind, url, ...(namespace ? { namespace } : {}), rateHz: Number(rate), ...(Object.keys(topics).length ? { topics } : {}), ...(names.length ? { joints: names } : {}) }));
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="robot-connect" data-testid="ros-connect">
      <label>
        connect to
        <select
          data-testid="ros-kind"
          value={kind}
          onChange={(e) => {
            const next = e.target.value as 'ros1' | 'rosbridge';
            if (url === DEFAULT_URL[kind]) setUrl(DEFAULT_URL[next]);
            setKind(next);
          }}
        >
          <option value="ros1">ROS 1 master</option>
          <option value="rosbridge">rosbridge server (ROS 1 or 2)</option>
        </select>
      </label>
      <label>
        {kind === 'ros1' ? 'master URI' : 'rosbridge URL'}
        <input data-testid="ros-url" value={url} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label>
        namespace (prefixes every topic)
        <input data-testid="ros-namespace" value={namespace} placeholder="none" onChange={(e) => setNamespace(e.target.value)} />
      </label>
      <label>
        publish rate (Hz of session time)
        <input data-testid="ros-rate" type="number" min={1} max={1000} value={rate} onChange={(e) => setRate(e.target.value)} />
      </label>
      <label>
        joints in joint_states (comma-separated)
        <input data-testid="ros-joints" value={joints} placeholder="all moving joints" onChange={(e) => setJoints(e.target.value)} />
      </label>
      <details>
        <summary>topic names</summary>
        {TOPICS.map((key) => (
          <label key={key}>
            {key}
            <input data-testid={`ros-topic-${key}`} value={renames[key] ?? ''} placeholder={key} onChange={(e) => setRenames({ ...renames, [key]: e.target.value })} />
          </label>
        ))}
      </details>
      <button type="button" data-testid="ros-connect-button" disabled={busy || !url || !(Number(rate) > 0)} onClick={() => void connect()}>
        {busy ? 'Connecting…' : 'Connect'}
      </button>
      {error && <div className="robot-error" data-testid="ros-error">{error}</div>}
      <div className="muted">The session publishes only while it plays.</div>
    </div>
  );
}

function Connection({ connection: c, onClosed }: { connection: RosConnectionStatus; onClosed: (status: RosStatus) => void }) {
  const store = useStore();
  const [error, setError] = useState('');
  const rows = (title: string, topics: RosConnectionStatus['published'], direction: string) => (
    <>
      <h3>{title}</h3>
      <table className="robot-joints">
        <tbody>
          {topics.map((t) => (
            <tr key={t.topic} title={t.type}>
              <td>{t.topic}</td>
              <td className="muted">{t.type}</td>
              <td data-testid={`ros-count-${direction}-${t.topic}`}>{t.messages}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
  return (
    <div className="ros-connection" data-testid={`ros-connection-${c.id}`}>
      <div className="robot-panel-bar">
        <span className="robot-mode">{c.kind === 'ros1' ? 'ROS 1' : 'rosbridge'}</span>
        <span title={c.url}>{c.url}</span>
        <span className="muted">
          {c.namespace ? `/${c.namespace.replace(/^\/+/, '')} · ` : ''}
          {c.rateHz} Hz
        </span>
        <button type="button" data-testid={`ros-disconnect-${c.id}`} onClick={() => store.request('rosDisconnect', { id: c.id }).then(onClosed, (err: Error) => setError(err.message))}>
          Disconnect
        </button>
      </div>
      {rows('published', c.published, 'out')}
      {rows('subscribed', c.subscribed, 'in')}
      {c.log.length > 0 && (
        <ul className="robot-faults" data-testid={`ros-log-${c.id}`}>
          {c.log.map((line, i) => (
            <li key={i}>{line}</li>
          ))}
        </ul>
      )}
      {error && <div className="robot-error">{error}</div>}
    </div>
  );
}
