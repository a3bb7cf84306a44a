import { useEngine } from './use-engine.ts';

export function StatusBar() {
  const { connection, snapshot, status } = useEngine();
  return (
    <footer className="statusbar">
      <span data-testid="connection" className={`conn ${connection}`}>
        ● {connection === 'disconnected' ? 'disconnected — retrying' : connection}
      </span>
      {snapshot && (
        <span>
          {snapshot.task.title} · {snapshot.controller.title} · seed {snapshot.seed} · {status?.playing ? 'playing' : 'paused'}
        </span>
      )}
      <span className="muted">space: play/pause · drag: orbit · scroll: zoom</span>
    </footer>
  );
}
