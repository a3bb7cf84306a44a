/**
 * The desktop shell: one window, the engine in a utility process, and a MessagePort between them.
 * The main process never runs physics or inference; the renderer is sandboxed and sees nothing but
 * that port (see electron/preload.ts). Security choices are explained in docs/desktop.md.
 */
import { app, BrowserWindow, dialog, ipcMain, Menu, MessageChannelMain, session, shell, utilityProcess, type UtilityProcess, type WebContents } from 'electron';
import { join } from 'node:path';
import { PICK_FILE_CHANNEL } from '../protocol/desktop.ts';
import {
  allowFileMessage,
  CONTENT_SECURITY_POLICY,
  navigationAllowed,
  newWindowDecision,
  parsePickFileOptions,
  permissionAllowed,
  pickFileSenderAllowed,
  WEB_PREFERENCES,
} from './security-policy.ts';

// Defined by scripts/desktop-build.mjs (the renderer `main_window`, or a dev server URL).
declare const MAIN_WINDOW_VITE_DEV_SERVER_URL: string | undefined;
declare const MAIN_WINDOW_VITE_NAME: string;


let engine: UtilityProcess | undefined;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1440,
    height: 900,
    title: 'Actuate',
    backgroundColor: '#101317',
    webPreferences: { preload: join(__dirname, 'preload.cjs'), ...WEB_PREFERENCES },
  });
  // typeof: a packaged build defines the dev-server constant as undefined.
  if (typeof MAIN_WINDOW_VITE_DEV_SERVER_URL === 'string') void win.loadURL(MAIN_WINDOW_VITE_DEV_SERVER_URL);
  else void win.loadFile(join(__dirname, `../renderer/${MAIN_WINDOW_VITE_NAME}/index.html`));
  // Every load (first start, View → Reload) gets a fresh engine and a fresh channel.
  win.webContents.on('did-finish-load', () => connectEngine(win));
  win.webContents.on('render-process-gone', (_event, details) => {
    if (details.reason !== 'clean-exit') console.error(`renderer process gone: ${details.reason} (exit code ${details.exitCode})`);
  });
  return win;
}

/** Forks the engine (stopping any previous one) and hands one end of a new channel to each side. */
function connectEngine(win: BrowserWindow): void {
  engine?.kill();
  const child = utilityProcess.fork(join(__dirname, 'electron-entry.cjs'), [], { serviceName: 'Actuate engine', stdio: 'inherit' });
  engine = child;
  const { port1, port2 } = new MessageChannelMain();
  child.postMessage({ type: 'port', trainingDir: join(app.getPath('userData'), 'runs') }, [port1]);
  win.webContents.postMessage('actuate:port', null, [port2]);
  child.on('exit', (code) => {
    if (engine !== child) return; // replaced on purpose by a reload
    engine = undefined;
    if (win.isDestroyed()) return;
    console.error(`engine process exited with code ${code}`);
    const choice = dialog.showMessageBoxSync(win, {
      type: 'error',
      message: 'The Actuate engine stopped',
      detail: `The engine process exited with code ${code}. Connected robots fall back to their watchdogs (hold or torque off). Restarting reloads the studio with a new engine.`,
      buttons: ['Restart engine', 'Close window'],
      defaultId: 0,
      cancelId: 1,
    });
    if (choice === 0) win.webContents.reload();
    else win.close();
  });
}


/**
 * The studio's "Browse…": a native open-file dialog whose answer is a path the page sets a parameter
 * to (the engine reads the file, as it reads a typed path). Only the top frame of one of our windows
 * may ask, and its arguments are validated like every other message that crosses a process boundary.
 */
function handlePickFile(): void {
  ipcMain.handle(PICK_FILE_CHANNEL, async (event, raw: unknown): Promise<string | undefined> => {
    const win = BrowserWindow.fromWebContents(event.sender);
    if (!win || !pickFileSenderAllowed({ isOwnWindow: true, isTopFrame: !!event.senderFrame && event.senderFrame.parent === null })) {
      throw new Error('pickFile: only the studio window may open a file dialog');
    }
    const { title, filters } = parsePickFileOptions(raw);
    const result = await dialog.showOpenDialog(win, {
      title: title ?? 'Open file',
      properties: ['openFile'],
      ...(filters?.length ? { filters: [...filters, { name: 'All files', extensions: ['*'] }] } : {}),
    });
    const picked = result.canceled ? undefined : result.filePaths[0];
    // What the user picked in the system dialog is a file the engine may open (engine/file-access.ts).
    if (picked) engine?.postMessage(allowFileMessage(picked));
    return picked;
  });
}

/** Applied to every web contents the app ever creates: no pop-ups, no navigation, no webviews. */
function lockDown(contents: WebContents): void {
  contents.setWindowOpenHandler(({ url }) => {
    // Links to documentation open in the system browser; nothing opens inside the app.
    const decision = newWindowDecision(url);
    if (decision.openExternally) void shell.openExternal(url);
    return { action: decision.action };
  });
  const guard = (event: { preventDefault(): void }, url: string) => {
    if (!navigationAllowed(url, contents.getURL())) event.preventDefault();
  };
  contents.on('will-navigate', (event) => guard(event, event.url));
  contents.on('will-redirect', (event) => guard(event, event.url));
  contents.on('will-frame-navigate', (event) => guard(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}

function buildMenu(): void {
  const isMac = process.platform === 'darwin';
  Menu.setApplicationMenu(
    Menu.buildFromTemplate([
      ...(isMac ? [{ role: 'appMenu' as const }] : []),
      { role: 'fileMenu' },
      { role: 'editMenu' },
      {
        label: 'View',
        submenu: [
          { role: 'reload' },
          { role: 'forceReload' },
          { role: 'toggleDevTools' },
          { type: 'separator' },
          { role: 'resetZoom' },
          { role: 'zoomIn' },
          { role: 'zoomOut' },
          { type: 'separator' },
          { role: 'togglefullscreen' },
        ],
      },
      { role: 'help', submenu: [{ label: 'About Actuate', click: () => app.showAboutPanel() }] },
    ]),
  );
}

if (!app.requestSingleInstanceLock()) app.quit();

app.on('second-instance', () => {
  const [win] = BrowserWindow.getAllWindows();
  if (!win) return;
  if (win.isMinimized()) win.restore();
  win.focus();
});

app.on('web-contents-created', (_event, contents) => lockDown(contents));

void app.whenReady().then(() => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => callback(permissionAllowed(permission)));
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => permissionAllowed(permission));
  app.setAboutPanelOptions({ applicationName: 'Actuate', applicationVersion: app.getVersion(), copyright: 'Apache-2.0' });
  buildMenu();
  handlePickFile();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  const child = engine;
  engine = undefined;
  child?.kill();
  if (process.platform !== 'darwin') app.quit();
});
