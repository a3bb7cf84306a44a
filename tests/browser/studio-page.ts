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

export async function openStudio(args: string[] = []): Promise<Studio> {
  const server = await startServer(args);
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  await page.goto(server.url);
  return {
    url: server.url,
    page,
    async close() {
      server.process.kill('SIGTERM');
      await Promise.race([browser.close(), new Promise((r) => setTimeout(r, 10_000))]);
    },
  };
}
