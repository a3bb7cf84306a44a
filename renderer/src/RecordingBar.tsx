/**
 * Under the viewport: the Record button (the live session to an MCAP file in the engine's recordings
 * folder, which opens in Foxglove too) and the recordings to open for playback. While a recording
 * plays back, the timeline takes its place (Playback.tsx).
 */
import { useEffect, useState } from 'react';
import type { RecordingListing, RecordingStatus } from '../../protocol/recording.ts';
import { useEngine, useStore } from './use-engine.ts';

export function RecordingBar() {
  const store = useStore();
  const { connection } = useEngine();
  const [status, setStatus] = useState<RecordingStatus>();
  const [listing, setListing] = useState<RecordingListing>();
  const [file, setFile] = useState('');
  const [opening, setOpening] = useState(false);
  const connected = connection === 'connected';

  const refresh = async () => {
    const [s, l] = await Promise.all([store.request('record', { action: 'status' }), store.request('listRecordings', {})]);
    setStatus(s);
    setListing(l);
    if (!file && l.files[0]) setFile(l.files[0]);
  };
  useEffect(() => {
    if (connected) refresh().catch((err: Error) => store.toast(err.message));
  }, [connected]);
  // While recording: its length and any dropped messages, once a second.
  useEffect(() => {
    if (!status?.active) return;
    const timer = setInterval(() => void store.request('record', { action: 'status' }).then(setStatus, () => undefined), 1000);
    return () => clearInterval(timer);
  }, [status?.active]);

  const toggle = async () => {
    try {
      const next = await store.request('record', { action: status?.active ? 'stop' : 'start' });
      setStatus(next);
      if (!next.active) {
        const l = await store.request('listRecordings', {});
        setListing(l);
        if (next.path) setFile(next.path);
        const dropped = Object.values(next.dropped ?? {}).reduce((a, b) => a + b, 0);
        store.toast(`Recorded ${next.seconds?.toFixed(1) ?? '?'} s to ${next.path}${dropped ? ` — ${dropped} messages dropped (the disk could not keep up)` : ''}`);
      }
    } catch (err) {
      store.toast((err as Error).message);
    }
  };

  const open = async () => {
    if (!file.trim()) return;
    setOpening(true);
    try {
      const playback = await store.request('openRecording', { file: file.trim() });
      // The live robot stops while the recording plays back: nothing moves unwatched.
      await store.call('pause');
      store.setPlayback(playback);
      for (const note of playback.notes) store.toast(note);
    } catch (err) {
      store.toast((err as Error).message);
    } finally {
      setOpening(false);
    }
  };

  const dropped = Object.values(status?.dropped ?? {}).reduce((a, b) => a + b, 0);
  const canRecord = status?.active || status?.folder !== undefined;
  return (
    <div className="recording-bar" data-testid="recording-bar">
      <button
        data-testid="record"
        className={status?.active ? 'active recording' : ''}
        disabled={!connected || !canRecord}
        title={canRecord ? `Record the live session to an MCAP file in ${status?.folder ?? 'the recordings folder'} (opens in Foxglove too)` : 'Start actuate serve with --runs DIR to record (files go to DIR/recordings)'}
        onClick={() => void toggle()}
      >
        {status?.active ? '■ Stop' : '● Record'}
      </button>
      {status?.active && (
        <span className="muted" data-testid="recording-status" title={status.path}>
          recording {status.seconds?.toFixed(1)} s{dropped ? ` · ${dropped} dropped` : ''}
        </span>
      )}
      <form
        className="open-recording"
        onSubmit={(e) => {
          e.preventDefault();
          void open();
        }}
      >
        <input data-testid="recording-path" list="recording-files" placeholder="Open recording… (.mcap path on the engine host)" value={file} onChange={(e) => setFile(e.target.value)} />
        <datalist id="recording-files">
          {listing?.files.map((f) => <option key={f} value={f} />)}
        </datalist>
        <button data-testid="open-recording" type="submit" disabled={!connected || opening || !file.trim()}>
          {opening ? 'Opening…' : 'Play back'}
        </button>
      </form>
    </div>
  );
}
