/**
 * The engine inside Electron's utility process: waits for the MessagePort the main process sends,
 * then serves the protocol on it. No `electron` import: the engine stays plain Node.
 */
import { fromStructuredPort, type StructuredPort } from '../protocol/port.ts';
import { hostEngine } from './host.ts';

interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: StructuredPort[] }) => void): void;
}

const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parentPort) throw new Error('electron-entry must run in an Electron utility process');

parentPort.on('message', (event) => {
  const port = event.ports[0];
  if (!port) return;
  void hostEngine(fromStructuredPort(port));
});
