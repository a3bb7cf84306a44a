/**
 * The desktop shell: one window, the engine in a utility process, and a MessagePort between them.
 * The main process never runs physics or inference; the renderer is sandboxed and sees nothing but
 * that port (see electron/preload.ts).
 */
import { app, BrowserWindow, dialog, Menu, MessageChannelMain, session, shell, utilityProcess, type UtilityProcess } from 'electron';
import { join } from 'node:path';

declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;

const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'";

let engine: UtilityProcess | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Actuate',
    backgroundColor: '#101317',
    webPreferences: {
      preload: join(__dirname, 'preload.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });
  // No pop-ups, no navigation away from the studio; links open in the system browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => event.preventDefault());
  if (typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string' && MAIN_WINDOW_VITE_DEV_SERVER_URL) void win.loadURL(MAIN_WINDOW_VITE_DEV_SERVER_URL);
  else void win.loadFile(join(__dirname, `../renderer/${MAIN_WINDOW_VITE_NAME}/index.html`));
  win.webContents.on('did-finish-load', () => connectEngine(win));
  return win;
}

/** Starts (or restarts) the engine and hands one end of a fresh channel to each side. */
function connectEngine(win: BrowserWindow): void {
  engine?.kill();
  const child = utilityProcess.fork(join(__dirname, 'electron-entry.js'), [], { serviceName: 'Actuate engine' });
  engine = child;
  const { port1, port2 } = new MessageChannelMain();
  child.postMessage({ type: 'port' }, [port1]);
  win.webContents.postMessage('actuate:port', null, [port2]);
  child.on('exit', (code) => {
    if (engine !== child || win.isDestroyed()) return;
    engine = undefined;
    const choice = dialog.showMessageBoxSync(win, {
      type: 'error',
      message: 'The Actuate engine stopped',
      detail: `The engine process exited with code ${code}. Robots driven by it have been left to their watchdogs.`,
      buttons: ['Restart engine', 'Close'],
    });
    if (choice === 0) win.webContents.reload();
  });
}

function buildMenu(): void {
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(process.platform === 'darwin' ? [{ role: 'appMenu' as const }] : []),
      { role: 'fileMenu' },
      { role: 'editMenu' },
      {
        label: 'View',
        submenu: [{ role: 'reload' }, { role: 'toggleDevTools' }, { type: 'separator' }, { role: 'resetZoom' }, { role: 'zoomIn' }, { role: 'zoomOut' }, { type: 'separator' }, { role: 'togglefullscreen' }],
      },
      { role: 'help', submenu: [{ label: 'About Actuate', click: () => app.showAboutPanel() }] },
    ]),
  );
}

app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  buildMenu();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  engine?.kill();
  if (process.platform !== 'darwin') app.quit();
});
