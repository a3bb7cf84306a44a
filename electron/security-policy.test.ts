import { describe, expect, it } from 'vitest';
import {
  allowFileMessage,
  CONTENT_SECURITY_POLICY,
  isSafeExternalUrl,
  navigationAllowed,
  newWindowDecision,
  parsePickFileOptions,
  permissionAllowed,
  pickFileSenderAllowed,
  WEB_PREFERENCES,
} from './security-policy.ts';

const APP = 'file:///opt/Actuate/resources/app/.vite/renderer/main_window/index.html';

describe('desktop security policy', () => {
  it('sandboxes the page: isolation, no Node, no webviews, no insecure content', () => {
    expect(WEB_PREFERENCES).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, nodeIntegrationInWorker: false, webSecurity: true, allowRunningInsecureContent: false, webviewTag: false });
  });

  it('loads nothing remote: the policy allows only the app itself', () => {
    expect(CONTENT_SECURITY_POLICY).toContain("default-src 'none'");
    expect(CONTENT_SECURITY_POLICY).toContain("script-src 'self'");
    expect(CONTENT_SECURITY_POLICY).toContain("connect-src 'self'");
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:|\*|unsafe-eval/);
  });

  it('opens no window inside the app; only plain https links go to the system browser', () => {
    expect(newWindowDecision('https://github.com/actuate/docs')).toEqual({ action: 'deny', openExternally: true });
    for (const url of ['http://evil.example', 'file:///etc/passwd', 'javascript:alert(1)', 'https://user:pw@evil.example', 'smb://share/x', 'not a url', 'ms-msdt:/id']) {
      expect(newWindowDecision(url), url).toEqual({ action: 'deny', openExternally: false });
    }
    expect(isSafeExternalUrl('https://')).toBe(false);
  });

  it('lets the window navigate only to its own page', () => {
    expect(navigationAllowed(APP, APP)).toBe(true);
    expect(navigationAllowed(`${APP}#view`, APP)).toBe(true);
    expect(navigationAllowed('file:///home/user/Downloads/evil.html', APP)).toBe(false);
    expect(navigationAllowed('https://evil.example/', APP)).toBe(false);
    expect(navigationAllowed('http://localhost:5173/', 'http://localhost:5173/')).toBe(true);
    expect(navigationAllowed('http://localhost:6666/', 'http://localhost:5173/')).toBe(false);
    expect(navigationAllowed('garbage', APP)).toBe(false);
  });

  it('denies every permission request', () => {
    for (const p of ['media', 'geolocation', 'notifications', 'clipboard-read', 'hid', 'serial', 'usb', 'openExternal', 'fullscreen', 'unknown']) expect(permissionAllowed(p), p).toBe(false);
  });

  it('validates the file dialog request and its sender', () => {
    expect(parsePickFileOptions({ title: 'Open model', filters: [{ name: 'ONNX', extensions: ['onnx'] }] })).toEqual({ title: 'Open model', filters: [{ name: 'ONNX', extensions: ['onnx'] }] });
    expect(parsePickFileOptions(undefined)).toEqual({});
    expect(() => parsePickFileOptions({ defaultPath: '/etc' })).toThrow(/pickFile/);
    expect(() => parsePickFileOptions({ filters: [{ name: 'x', extensions: ['../../x'] }] })).toThrow(/filters\.0\.extensions\.0/);
    expect(pickFileSenderAllowed({ isOwnWindow: true, isTopFrame: true })).toBe(true);
    expect(pickFileSenderAllowed({ isOwnWindow: true, isTopFrame: false })).toBe(false);
    expect(allowFileMessage('/home/u/robot.urdf')).toEqual({ type: 'allow-file', path: '/home/u/robot.urdf' });
  });
});
