import { useEngine } from './use-engine.ts';

export function StatusBar() {
  const { connection, connectionError, snapshot, status } = useEngine();
  return (
    <footer className="statusbar">
      <span data-testid="connection" className={`conn ${connection}`} title={connectionError}>
        ● {connection === 'disconnected' ? 'disconnected — retrying' : connection}
      </span>
      {connection === 'disconnected' && connectionError && <span className="conn-error">{connectionError}</span>}
      {snapshot && (
        <span>
          {snapshot.task.title} · {snapshot.controller.title} · seed {status?.seed ?? snapshot.seed} · {status?.playing ? 'playing' : 'paused'}
        </span>
      )}
      <span className="muted hints">space: play/pause · drag: orbit · right-drag: pan · scroll: zoom</span>
    </footer>
  );
}
