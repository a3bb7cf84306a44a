import { useEffect, useRef, useState } from 'react';
import type { TrainingMetrics, TrainingRun } from '../../protocol/training.ts';
import { chartPath, TRAINING_METRICS } from './training-chart.ts';
import { useEngine, useStore } from './use-engine.ts';

const CHART = { width: 560, height: 150 };

/**
 * Training on the current task: start a PPO run for some minutes (a process of its own beside the
 * engine), follow its curves as it writes them, stop it, and run its latest exported policy in the
 * viewport ("Use this policy"), or watch it learn ("Watch live": each new export is loaded into
 * onnx-policy and a fresh episode starts with it). Runs started from the CLI into a `--runs` folder
 * show here too.
 */
export function TrainingPanel() {
  const store = useStore();
  const { snapshot, status } = useEngine();
  const [runs, setRuns] = useState<TrainingRun[]>([]);
  const [selected, setSelected] = useState<string>();
  const [rows, setRows] = useState<TrainingMetrics[]>([]);
  const [metric, setMetric] = useState<string>('returnMean');
  const [minutes, setMinutes] = useState(5);
  const [envs, setEnvs] = useState(64);
  const [error, setError] = useState<string>();
  const [watch, setWatch] = useState(false);
  /** The export of the watched run last loaded into the viewport (run folder and file time). */
  const loaded = useRef<string | undefined>(undefined);

  const refresh = () =>
    store.request('listRuns', {}).then(
      (list) => {
        setRuns(list);
        setSelected((current) => current ?? list[0]?.dir);
      },
      (err: Error) => setError(err.message),
    );
  useEffect(() => void refresh(), [store]);

  useEffect(() => {
    if (!selected) return setRows([]);
    let live = true;
    store.request('runMetrics', { run: selected }).then(
      (all) => live && setRows(all),
      (err: Error) => live && setError(err.message),
    );
    return () => void (live = false);
  }, [store, selected]);

  useEffect(
    () =>
      store.onTraining(({ run, rows: added }) => {
        setRuns((list) => (list.some((r) => r.dir === run.dir) ? list.map((r) => (r.dir === run.dir ? run : r)) : [run, ...list]));
        if (run.dir === selected && added.length) setRows((all) => [...all, ...added]);
      }),
    [store, selected],
  );

  const run = runs.find((r) => r.dir === selected);
  const taskId = snapshot?.task.id;
  const policy = run?.policy;
  // Watching: every new export of the selected run (one per checkpoint) drives the viewport from a fresh episode.
  const watchable = !!run && run.task === taskId;
  const exportKey = policy && `${run.dir}@${policy.exportedAt}`;
  useEffect(() => {
    if (!watch || !watchable || !policy || loaded.current === exportKey) return;
    loaded.current = exportKey;
    void (async () => {
      await store.call('setController', { id: 'onnx-policy', params: { card: policy.card, model: policy.model } });
      await store.reset(status?.seed ?? snapshot?.seed ?? 0);
      await store.call('play');
    })();
  }, [store, watch, watchable, exportKey]);

  if (!snapshot) return null;
  const task = snapshot.task;
  const trainingHere = runs.some((r) => r.startedHere && r.running);

  const start = async () => {
    setError(undefined);
    try {
      const started = await store.request('startTraining', { task: task.id, minutes, envs });
      setRuns((list) => [started, ...list.filter((r) => r.dir !== started.dir)]);
      setSelected(started.dir);
      setRows([]);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const stop = async () => {
    if (!run) return;
    try {
      const stopped = await store.request('stopTraining', { run: run.dir });
      setRuns((list) => list.map((r) => (r.dir === stopped.dir ? stopped : r)));
    } catch (err) {
      setError((err as Error).message);
    }
  };
  const usePolicy = () => run?.policy && void store.call('setController', { id: 'onnx-policy', params: { card: run.policy.card, model: run.policy.model } });

  const path = chartPath(rows, metric, CHART.width, CHART.height);
  const latest = run?.latest;
  return (
    <div className="training" data-testid="training-panel">
      <div className="training-bar">
        <span>
          Train PPO on <b>{task.title}</b> for
        </span>
        <input type="number" min={0.1} max={1440} step={0.5} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} data-testid="training-minutes" />
        <span>min with</span>
        <input type="number" min={1} max={4096} step={1} value={envs} onChange={(e) => setEnvs(Math.round(Number(e.target.value)))} data-testid="training-envs" />
        <span>environments</span>
        <button onClick={() => void start()} disabled={trainingHere} data-testid="training-start">
          Start
        </button>
        <span className="spacer" />
        <select value={selected ?? ''} onChange={(e) => setSelected(e.target.value || undefined)} data-testid="training-runs" title="training runs in the studio's run folders">
          {runs.length === 0 && <option value="">no runs yet</option>}
          {runs.map((r) => (
            <option key={r.dir} value={r.dir}>
              {r.name}
              {r.running ? ' · training' : ''}
            </option>
          ))}
        </select>
        <button onClick={() => void refresh()} title="look for runs again">
          ↻
        </button>
      </div>
      {error && (
        <p className="error pad" data-testid="training-error">
          {error}
        </p>
      )}
      {run && (
        <div className="training-body">
          <div className="training-chart">
            <select value={metric} onChange={(e) => setMetric(e.target.value)} data-testid="training-metric">
              {TRAINING_METRICS.map(([key, label]) => (
                <option key={key} value={key}>
                  {label}
                </option>
              ))}
            </select>
            <svg width={CHART.width} height={CHART.height} viewBox={`0 0 ${CHART.width} ${CHART.height}`} data-testid="training-curve" data-points={path.points}>
              <path d={path.d} fill="none" stroke="var(--accent)" strokeWidth={1.5} />
            </svg>
            <div className="muted training-axes">
              {path.points ? `${fmt(path.y[0])} … ${fmt(path.y[1])} over ${fmt(path.x[0])} … ${fmt(path.x[1])} env steps` : 'no points yet: the first iteration is on its way'}
            </div>
          </div>
          <dl className="training-facts">
            <dt>status</dt>
            <dd data-testid="training-status">{run.running ? 'training' : run.error ? 'failed' : 'finished'}</dd>
            <dt>task</dt>
            <dd>{run.task ?? '—'}</dd>
            <dt>iteration</dt>
            <dd data-testid="training-iteration">{run.iterations}</dd>
            <dt>env steps</dt>
            <dd>{fmt(latest?.envSteps)}</dd>
            <dt>env steps/s</dt>
            <dd>{fmt(latest?.envStepsPerSecond)}</dd>
            <dt>return</dt>
            <dd>{fmt(latest?.returnMean)}</dd>
            <dt>approx KL</dt>
            <dd>{fmt(latest?.approxKl)}</dd>
          </dl>
          <div className="training-actions">
            {run.startedHere && run.running && (
              <button onClick={() => void stop()} data-testid="training-stop">
                Stop
              </button>
            )}
            <label title={watchable ? 'load each new export of this run into the viewport as it trains, and start a fresh episode with it' : 'the run trains another task than the one on screen'}>
              <input type="checkbox" checked={watch} disabled={!watchable} onChange={(e) => setWatch(e.target.checked)} data-testid="training-watch" /> Watch live
            </label>
            <button onClick={usePolicy} disabled={!run.policy} title={run.policy ? run.policy.model : 'no policy exported yet (one comes with every checkpoint)'} data-testid="training-use">
              Use this policy
            </button>
            {run.error && <p className="error">{run.error}</p>}
          </div>
        </div>
      )}
    </div>
  );
}

function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const a = Math.abs(value);
  return a >= 1e5 ? value.toExponential(2) : a >= 100 ? value.toFixed(0) : a >= 1 ? value.toFixed(2) : value.toPrecision(3);
}
