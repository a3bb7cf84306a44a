/**
 * The desktop shell's security decisions as plain data and pure functions, so they are tested without
 * the Electron binary (electron/main.ts only wires them to Electron's hooks). The window loads only
 * the bundled studio: no navigation, no pop-ups, no webviews, no permissions, no remote content; its
 * one IPC channel (the file dialog) is validated here.
 */
import { z } from 'zod';
import type { PickFileOptions } from '../protocol/desktop.ts';

/**
 * The window only ever loads the bundled studio and talks to the engine over a MessagePort, so it needs
 * no network access at all (`connect-src 'self'` still lets the Vite dev server's reload socket through).
 * renderer/index.html carries a looser policy of its own for the browser studio (WebSocket to `actuate
 * serve`); where both apply the browser enforces both.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'", // React style attributes
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** BrowserWindow web preferences: sandboxed, isolated, no Node in the page, no webviews, no mixed content. */
export const WEB_PREFERENCES = {
  contextIsolation: true,
  sandbox: true,
  nodeIntegration: false,
  nodeIntegrationInWorker: false,
  nodeIntegrationInSubFrames: false,
  webSecurity: true,
  allowRunningInsecureContent: false,
  webviewTag: false,
  navigateOnDragDrop: false,
  spellcheck: false,
} as const;

/**
 * A link the page asks to open in a new window: nothing opens inside the app; documentation links
 * (https, no credentials in the URL) go to the system browser, anything else is dropped.
 */
export function newWindowDecision(url: string): { action: 'deny'; openExternally: boolean } {
  return { action: 'deny', openExternally: isSafeExternalUrl(url) };
}

export function isSafeExternalUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === 'https:' && parsed.username === '' && parsed.password === '' && parsed.hostname !== '';
}

/**
 * Whether the window may navigate (will-navigate, will-redirect, will-frame-navigate): only to the page
 * it was opened on (the studio reloading itself). A link, a dropped file or a script cannot take
 * the window to other content, local or remote.
 */
export function navigationAllowed(url: string, appUrl: string): boolean {
  try {
    const target = new URL(url);
    const app = new URL(appUrl);
    return target.origin === app.origin && target.pathname === app.pathname && (target.protocol === 'file:' || target.protocol === 'http:');
  } catch {
    return false;
  }
}

/** Permission requests (camera, microphone, notifications, geolocation, HID, serial, …): all denied; the studio needs none. */
export function permissionAllowed(_permission: string): boolean {
  return false;
}

const fileFilter = z.object({ name: z.string().min(1).max(80), extensions: z.array(z.string().regex(/^(\*|[A-Za-z0-9_-]{1,16})$/)).min(1).max(16) }).strict();
const pickFileOptions: z.ZodType<PickFileOptions> = z.object({ title: z.string().max(200).optional(), filters: z.array(fileFilter).max(8).optional() }).strict();

/** The file dialog's options from the page, validated like every message crossing a process boundary. */
export function parsePickFileOptions(raw: unknown): PickFileOptions {
  const parsed = pickFileOptions.safeParse(raw ?? {});
  if (!parsed.success) throw new Error(`pickFile: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** Only the top frame of one of the app's own windows may open a file dialog. */
export function pickFileSenderAllowed(sender: { isOwnWindow: boolean; isTopFrame: boolean }): boolean {
  return sender.isOwnWindow && sender.isTopFrame;
}

/** The message telling the engine that the user picked a file it may now open (see engine/file-access.ts). */
export interface AllowFileMessage {
  type: 'allow-file';
  path: string;
}

export function allowFileMessage(path: string): AllowFileMessage {
  return { type: 'allow-file', path };
}
