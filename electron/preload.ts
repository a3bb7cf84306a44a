/**
 * The renderer's only window onto the rest of the app: a marker object saying it runs in the desktop
 * shell, and the engine's MessagePort, forwarded with window.postMessage (ports cannot cross
 * contextBridge). No ipcRenderer, no Node, nothing that can act.
 */
import { contextBridge, ipcRenderer } from 'electron';

contextBridge.exposeInMainWorld('actuate', {
  platform: process.platform,
  versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
});

ipcRenderer.on('actuate:port', (event) => {
  window.postMessage('actuate:port', '*', event.ports);
});
