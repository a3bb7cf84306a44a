/** Test support: start `actuate serve` on a free port and open the studio in Debian's Chromium. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);
const BIN = fileURLToPath(new URL('../../bin/actuate.js', import.meta.url));

export interface Studio {
  url: string;
  page: Page;
  /** The `actuate serve` process the page talks to. */
  server: ChildProcess;
  close(): Promise<void>;
}

export async function startServer(args: string[] = []): Promise<{ url: string; process: ChildProcess }> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  // Never leave a server behind, whatever happens to the test process.
  process.once('exit', () => child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    // Generous: on a busy 2-core machine the first start compiles the engine and may build the studio.
    const timer = setTimeout(() => reject(new Error(`actuate serve did not start: ${out}`)), 120_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /Actuate studio at (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => reject(new Error(`actuate serve exited with ${code}: ${out}`)));
  });
  return { url, process: child };
}

/**
 * An init script that replaces navigator.getGamepads with one standard-layout pad whose buttons and
 * axes the test sets (setFakePad): the studio polls it as it polls a real pad, so this tests our
 * mapping (dead zone, deadman, sticks → commands) with real browser timers and requests, not the
 * browser's own gamepad plumbing.
 */
const FAKE_GAMEPAD = `
  (() => {
    const state = { pad: null };
    Object.defineProperty(navigator, 'getGamepads', { configurable: true, value: () => [state.pad] });
    window.__setFakePad = (pressed, axes) => {
      state.pad = pressed === null ? null : {
        id: 'Fake pad (STANDARD GAMEPAD)', index: 0, connected: true, mapping: 'standard', timestamp: performance.now(),
        axes, buttons: Array.from({ length: 17 }, (_, i) => ({ pressed: pressed.includes(i), touched: pressed.includes(i), value: pressed.includes(i) ? 1 : 0 })),
      };
    };
  })();`;

/** Standard-layout button indices. */
export const PAD = { B: 1, LB: 4, RB: 5, UP: 12, DOWN: 13 } as const;

/** Sets the fake pad (see FAKE_GAMEPAD): buttons held and axes [left x, left y, right x, right y] (y down); null unplugs it. */
export async function setFakePad(page: Page, pressed: number[] | null, axes: [number, number, number, number] = [0, 0, 0, 0]): Promise<void> {
  await page.evaluate(([pressed, axes]) => (window as unknown as { __setFakePad: (p: unknown, a: unknown) => void }).__setFakePad(pressed, axes), [pressed, axes] as const);
}

export async function openStudio(args: string[] = [], options: { fakeGamepad?: boolean } = {}): Promise<Studio> {
  const server = await startServer(args);
  // WebGL on SwiftShader (no GPU here); the page itself composited in software rather than through emulated
  // GL: the studio test took 204 → 149 CPU-seconds, 109 → 90 s, and drew 3 → 4 frames/s (one run each).
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-gpu-compositing', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  if (options.fakeGamepad) await page.addInitScript(FAKE_GAMEPAD);
  await page.goto(server.url);
  return {
    url: server.url,
    server: server.process,
    page,
    async close() {
      server.process.kill('SIGTERM');
      await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}
