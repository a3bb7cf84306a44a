/**
 * The renderer's only window onto the rest of the app: a marker object and the engine's MessagePort,
 * forwarded with window.postMessage (ports cannot cross contextBridge). No ipcRenderer, no Node.
 */
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('actuate', { platform: process.platform });

ipcRenderer.on('actuate:port', (event) => {
  window.postMessage('actuate:port', '*', event.ports);
});
