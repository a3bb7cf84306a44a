/**
 * The renderer's only window onto the rest of the app: a marker object saying it runs in the desktop
 * shell, a native open-file dialog (one typed call; the main process validates its arguments and only
 * answers the studio's own window), and the engine's MessagePort, forwarded with window.postMessage
 * (ports cannot cross contextBridge). No ipcRenderer, no Node, nothing else that can act.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { PICK_FILE_CHANNEL, type DesktopBridge } from '../protocol/desktop.ts';

const bridge: DesktopBridge = {
  platform: process.platform,
  versions: { electron: process.versions.electron, chrome: process.versions.chrome, node: process.versions.node },
  pickFile: (options) => ipcRenderer.invoke(PICK_FILE_CHANNEL, options) as Promise<string | undefined>,
};
contextBridge.exposeInMainWorld('actuate', bridge);

ipcRenderer.on('actuate:port', (event) => {
  window.postMessage('actuate:port', '*', event.ports);
});
