/**
 * Starts the virtual servo bus program (which makes its own socat pty pair) and talks to it: fault
 * injection, snapshots, and the events it reports (torque writes, watchdog trips). Used by the
 * integration tests, the serial-bus benchmark and `actuate robot virtual-bus`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BusKind } from '../buses/motor-model.ts';
import type { Injection, VirtualServoSpec } from './virtual-bus.ts';

const MAIN = fileURLToPath(new URL('./main.ts', import.meta.url));
/** Run from the sources, the program needs tsx — found from here, not from wherever the user stands. */
const LOADER = MAIN.endsWith('.ts') ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href] : [];

export type BusEvent = { event: string; id?: number; register?: string; value?: number; [k: string]: unknown };

export class VirtualBusProcess {
  readonly events: BusEvent[] = [];
  private listeners: Array<(e: BusEvent) => void> = [];

  /** The port the host opens. */
  port = '';

  private constructor(private readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let e: BusEvent;
      try {
        e = JSON.parse(line) as BusEvent;
      } catch {
        return;
      }
      this.events.push(e);
      for (const l of [...this.listeners]) l(e);
    });
  }

  static async start(bus: BusKind, servos: readonly VirtualServoSpec[], timeoutMs = 60_000): Promise<VirtualBusProcess> {
    const args = servos.map((s) => `--servo=${s.id}:${s.model}${s.position !== undefined ? `:${s.position}` : ''}`);
    const child = spawn(process.execPath, [...LOADER, MAIN, '--bus', bus, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    const vb = new VirtualBusProcess(child);
    let ready: BusEvent;
    try {
      ready = await vb.waitFor((e) => e.event === 'ready' || e.event === 'error', timeoutMs);
    } catch (err) {
      await vb.stop();
      throw err;
    }
    if (ready.event === 'error') {
      await vb.stop();
      throw new Error(`virtual bus failed to start: ${String(ready.message)}`);
    }
    vb.port = String(ready.port);
    return vb;
  }

  /** Resolves with the first event (already seen or coming) that matches. */
  waitFor(match: (e: BusEvent) => boolean, timeoutMs = 5000, since = 0): Promise<BusEvent> {
    const seen = this.events.slice(since).find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`virtual bus: no matching event within ${timeoutMs} ms`));
      }, timeoutMs);
      const listener = (e: BusEvent) => {
        if (!match(e)) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve(e);
      };
      this.listeners.push(listener);
    });
  }

  inject(injection: Injection): Promise<BusEvent> {
    const since = this.events.length;
    this.child.stdin!.write(`${JSON.stringify(injection)}\n`);
    return this.waitFor((e) => e.event === 'injected' || e.event === 'error', 5000, since);
  }

  async snapshot(): Promise<Array<Record<string, number | boolean>>> {
    const since = this.events.length;
    this.child.stdin!.write('{"op":"snapshot"}\n');
    const e = await this.waitFor((x) => x.event === 'snapshot', 5000, since);
    return e.servos as Array<Record<string, number | boolean>>;
  }

  /** Torque_Enable writes of 0 the bus received, per servo ID. */
  torqueOffIds(since = 0): Set<number> {
    return new Set(this.events.slice(since).filter((e) => e.event === 'write' && e.register === 'Torque_Enable' && e.value === 0).map((e) => e.id!));
  }

  /** Kills socat: both ends of the pty go away, as when a USB adapter is pulled. */
  async unplug(): Promise<void> {
    const since = this.events.length;
    this.child.stdin!.write('{"op":"unplug"}\n');
    await this.waitFor((e) => e.event === 'unplugged', 5000, since);
  }

  /** Closing its stdin makes the program stop socat and exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((done) => this.child.once('exit', () => done()));
    this.child.stdin!.end();
    const timer = setTimeout(() => this.child.kill(), 3000);
    await exited;
    clearTimeout(timer);
  }
}
