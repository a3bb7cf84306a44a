/**
 * The engine inside Electron's utility process: waits for the MessagePort the main process sends,
 * then serves the protocol on it. No `electron` import — the engine stays plain Node — so the parts of
 * Electron used here (`process.parentPort`, MessagePortMain) are typed structurally.
 */
import { fromStructuredPort, type StructuredPort } from '../protocol/port.ts';
import { hostEngine } from './host.ts';

/** Electron's `process.parentPort` in a utility process: messages from the main process, with ports. */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: StructuredPort[] }) => void): void;
  off(event: 'message', listener: (event: { data: unknown; ports: StructuredPort[] }) => void): void;
}

const parentPort = (process as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('engine/electron-entry runs only inside an Electron utility process (process.parentPort is missing)');

let engine: { dispose(): Promise<void>; allowFile(path: string): void } | undefined;
/** Files the user picked in the desktop's system dialog before the engine was up. */
const pickedEarly: string[] = [];

/** How long disposing (workers, model sessions, robot bridges) may take before the process just exits. */
const SHUTDOWN_DEADLINE_MS = 3000;

async function shutdown(code: number): Promise<never> {
  setTimeout(() => {
    console.error(`engine did not shut down within ${SHUTDOWN_DEADLINE_MS} ms; exiting anyway`);
    process.exit(code);
  }, SHUTDOWN_DEADLINE_MS).unref();
  try {
    await engine?.dispose();
  } catch (err) {
    console.error('engine shutdown failed:', err);
  }
  process.exit(code);
}

/** The main process tells the engine which files the user picked in a system dialog: those it may open (engine/file-access.ts). */
parentPort.on('message', (event) => {
  const data = event.data as { type?: unknown; path?: unknown } | null;
  if (data?.type !== 'allow-file' || typeof data.path !== 'string') return;
  if (engine) engine.allowFile(data.path);
  else pickedEarly.push(data.path);
});

const onMessage = (event: { data: unknown; ports: StructuredPort[] }): void => {
  const port = event.ports[0];
  if (!port) return;
  parentPort.off('message', onMessage); // one session per process: the main process forks a new one per window load
  // MessagePortMain emits 'message' events shaped `{ data, ports }`, hence eventHasData = true.
  const wrapped = fromStructuredPort(port, true);
  // The renderer going away (window closed or reloaded) ends the session; nothing keeps running unseen.
  wrapped.onClose(() => void shutdown(0));
  // Runs started from the desktop studio go to the user's data folder (the main process names it).
  const { trainingDir } = (event.data ?? {}) as { trainingDir?: unknown };
  hostEngine(wrapped, typeof trainingDir === 'string' ? { trainingDir } : {}).then(
    (hosted) => {
      engine = hosted;
      for (const path of pickedEarly.splice(0)) hosted.allowFile(path);
    },
    (err: unknown) => {
      console.error('engine failed to start:', err);
      process.exit(1);
    },
  );
};
parentPort.on('message', onMessage);

// utilityProcess.kill() sends SIGTERM: dispose the session (workers, sessions, robots) before leaving.
process.on('SIGTERM', () => void shutdown(0));
