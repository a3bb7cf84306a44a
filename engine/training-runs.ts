/**
 * Training runs for the studio: the run folders in the folders the user allowed (`--runs`), runs it
 * starts itself (`actuate train` in a process of its own, so learning never slows the engine's event
 * loop and a crash of one never takes the other down), and their metrics as they are written.
 *
 * Clients name runs by the folder `list()` gave them, never by a path of their own. Metrics are
 * followed by polling each live run's metrics.jsonl (append-only, one line per iteration).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { TrainingEvent, TrainingMetrics, TrainingRun } from '../protocol/training.ts';
import { projectPath } from '../sim/project-paths.ts';

const METRICS = 'metrics.jsonl';
const CHECKPOINT = 'checkpoint.json';
/** A run not started here counts as running while its metrics changed this recently. */
const LIVE_MS = 30_000;
const POLL_MS = 1000;
/** The most of a metrics file read at once (about 10,000 iterations). */
const MAX_METRICS_BYTES = 8 << 20;
/** How long a stopped run may take to finish its iteration and save before it is killed. */
const STOP_GRACE_MS = 60_000;

export class TrainingRunError extends Error {
  override name = 'TrainingRunError';
}

export interface StartOptions {
  task: string;
  minutes: number;
  envs?: number;
  seed?: number;
}

interface Child {
  process: ChildProcess;
  task: string;
  /** The trainer's last lines on stderr: its error when it fails. */
  stderr: string[];
  exited: boolean;
  /** Clients were told it ended. */
  endSent?: boolean;
  error?: string;
}

export class TrainingRuns {
  private readonly children = new Map<string, Child>();
  /** Bytes of each followed run's metrics already sent. */
  private readonly offsets = new Map<string, number>();
  private readonly listeners = new Set<(event: TrainingEvent) => void>();
  private timer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param folders folders that hold run folders (or are one)
   * @param trainingDir where runs started here go (created on the first start); undefined: none can start
   */
  constructor(
    private readonly folders: readonly string[],
    private readonly trainingDir: string | undefined,
  ) {}

  /** Every run in the folders, newest first. */
  list(): TrainingRun[] {
    return [...this.runDirs()].map((dir) => this.describe(dir)).sort((a, b) => modified(b.dir) - modified(a.dir));
  }

  /** The run folders: started here, or found in (or given as) the folders. */
  private runDirs(): Set<string> {
    const dirs = new Set<string>(this.children.keys());
    for (const folder of new Set([...this.folders, ...(this.trainingDir ? [this.trainingDir] : [])])) {
      if (isRun(folder)) dirs.add(folder);
      for (const entry of safeReaddir(folder)) if (entry.isDirectory() && isRun(join(folder, entry.name))) dirs.add(join(folder, entry.name));
    }
    return dirs;
  }

  metrics(dir: string): TrainingMetrics[] {
    return parseRows(readTail(join(this.known(dir), METRICS), MAX_METRICS_BYTES).text);
  }

  start({ task, minutes, envs, seed }: StartOptions): TrainingRun {
    if (!this.trainingDir) throw new TrainingRunError('this studio has no folder for training runs: start it with --runs FOLDER');
    mkdirSync(this.trainingDir, { recursive: true });
    const dir = join(this.trainingDir, `${task.replace(/[^\w.-]+/g, '_')}-${timestamp()}`);
    const args = ['train', '--task', task, '--algo', 'ppo', '--minutes', String(minutes), '--out', dir, '--json'];
    if (envs !== undefined) args.push('--envs', String(envs));
    if (seed !== undefined) args.push('--seed', String(seed));
    // ELECTRON_RUN_AS_NODE: in the desktop app execPath is Electron's binary, which then runs as Node.
    const child = spawn(process.execPath, [projectPath('bin', 'actuate.js'), ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    });
    const entry: Child = { process: child, task, stderr: [], exited: false };
    this.children.set(dir, entry);
    this.offsets.set(dir, 0);
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      entry.stderr.push(...text.split('\n').filter((line) => line.trim()));
      entry.stderr.splice(0, Math.max(0, entry.stderr.length - 20));
    });
    child.on('error', (err) => (entry.error = `could not start the trainer: ${err.message}`));
    child.on('exit', (code, signal) => {
      entry.exited = true;
      if (code !== 0 && code !== null) entry.error ??= entry.stderr.at(-1) ?? `the trainer exited with code ${code}`;
      else if (signal && signal !== 'SIGINT') entry.error ??= `the trainer was stopped by ${signal}`;
      this.poll(dir);
    });
    this.emit(dir, []);
    return this.describe(dir);
  }

  /** Asks a run started here to stop as Ctrl-C does: it finishes the iteration, saves and exports. */
  stop(dir: string): TrainingRun {
    const child = this.children.get(this.known(dir));
    if (!child) throw new TrainingRunError(`${basename(dir)} was not started from this studio; stop it where it runs`);
    if (!child.exited) {
      child.process.kill('SIGINT');
      setTimeout(() => child.exited || child.process.kill('SIGKILL'), STOP_GRACE_MS).unref();
    }
    return this.describe(dir);
  }

  /** Calls `listener` with every run's new metrics rows; returns the unsubscribe. Polls while anyone listens. */
  watch(listener: (event: TrainingEvent) => void): () => void {
    this.listeners.add(listener);
    this.timer ??= setInterval(() => this.pollAll(), POLL_MS);
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Stops every run started here (saving what they learned) when the engine shuts down. */
  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    for (const child of this.children.values()) if (!child.exited) child.process.kill('SIGINT');
  }

  /** Polls the runs followed and the ones written to lately (a run started from the CLI), reading only what grew. */
  private pollAll(): void {
    for (const dir of this.runDirs()) if (this.offsets.has(dir) || Date.now() - modified(dir) < LIVE_MS) this.poll(dir);
  }

  /** Sends the rows written since the last poll (a partly written last line waits for the next). */
  private poll(dir: string): void {
    const file = join(dir, METRICS);
    const size = fileSize(file);
    const offset = this.offsets.get(dir);
    const child = this.children.get(dir);
    if (offset === undefined) {
      // First sight of a run: clients fetch its history with runMetrics; follow from here.
      this.offsets.set(dir, size);
      return;
    }
    let rows: TrainingMetrics[] = [];
    if (size > offset) {
      const { text } = readRange(file, offset, Math.min(size, offset + MAX_METRICS_BYTES));
      const complete = text.lastIndexOf('\n') + 1;
      this.offsets.set(dir, offset + Buffer.byteLength(text.slice(0, complete)));
      rows = parseRows(text.slice(0, complete));
    }
    const ended = child?.exited === true && !child.endSent;
    if (ended) child.endSent = true;
    if (rows.length || ended) this.emit(dir, rows);
  }

  private emit(dir: string, rows: TrainingMetrics[]): void {
    const event = { run: this.describe(dir), rows };
    for (const listener of this.listeners) listener(event);
  }

  private describe(dir: string): TrainingRun {
    const child = this.children.get(dir);
    const rows = parseRows(readTail(join(dir, METRICS), 64 << 10).text);
    const latest = rows.at(-1);
    const policy = latestPolicy(dir);
    const running = child ? !child.exited : Date.now() - modified(dir) < LIVE_MS;
    return {
      dir,
      name: basename(dir),
      ...(child ? { task: child.task } : taskOf(dir)),
      running,
      startedHere: !!child,
      iterations: typeof latest?.iteration === 'number' ? latest.iteration : rows.length,
      ...(latest ? { latest } : {}),
      ...(policy ? { policy } : {}),
      ...(child?.error ? { error: child.error } : {}),
    };
  }

  /** A run folder `list()` gave out; anything else is refused (clients never name other paths). */
  private known(dir: string): string {
    if (typeof dir === 'string' && this.runDirs().has(dir)) return dir;
    throw new TrainingRunError(`no training run ${JSON.stringify(String(dir)).slice(0, 200)} in this studio's run folders`);
  }
}

function isRun(dir: string): boolean {
  return existsSync(join(dir, METRICS)) || existsSync(join(dir, CHECKPOINT));
}

function safeReaddir(dir: string) {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function modified(dir: string): number {
  for (const file of [join(dir, METRICS), dir]) {
    try {
      return statSync(file).mtimeMs;
    } catch {
      // next
    }
  }
  return 0;
}

function modifiedAt(file: string): number | undefined {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return undefined;
  }
}

function fileSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readRange(file: string, from: number, to: number): { text: string } {
  if (to <= from) return { text: '' };
  const fd = openSync(file, 'r');
  try {
    const buffer = Buffer.alloc(to - from);
    const read = readSync(fd, buffer, 0, buffer.length, from);
    return { text: buffer.subarray(0, read).toString('utf8') };
  } catch {
    return { text: '' };
  } finally {
    closeSync(fd);
  }
}

/** The last `bytes` of a file, from its first whole line. */
function readTail(file: string, bytes: number): { text: string } {
  const size = fileSize(file);
  if (size === 0) return { text: '' };
  const from = Math.max(0, size - bytes);
  const { text } = readRange(file, from, size);
  return { text: from === 0 ? text : text.slice(text.indexOf('\n') + 1) };
}

/** Whole JSON lines; a line cut short (a crash mid-write) or not an object is skipped. */
function parseRows(text: string): TrainingMetrics[] {
  const rows: TrainingMetrics[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const row = JSON.parse(line) as unknown;
      if (row && typeof row === 'object' && !Array.isArray(row)) rows.push(numbersOf(row as Record<string, unknown>));
    } catch {
      // skipped
    }
  }
  return rows;
}

function numbersOf(row: Record<string, unknown>): TrainingMetrics {
  const out: TrainingMetrics = {};
  for (const [key, value] of Object.entries(row)) if (typeof value === 'number' || value === null) out[key] = value;
  return out;
}

/** The exported policy: a `*.card.json` with its `.onnx` beside it. */
function latestPolicy(dir: string): TrainingRun['policy'] {
  for (const entry of safeReaddir(dir)) {
    if (!entry.isFile() || !entry.name.endsWith('.card.json')) continue;
    const model = join(dir, entry.name.replace(/\.card\.json$/, '.onnx'));
    const exportedAt = modifiedAt(model);
    if (exportedAt !== undefined) return { model, card: join(dir, entry.name), exportedAt };
  }
  return undefined;
}

/** The task a run trains, from its checkpoint's first bytes (`{"version":1,"taskId":"…"`). */
function taskOf(dir: string): { task?: string } {
  const head = readRange(join(dir, CHECKPOINT), 0, Math.min(fileSize(join(dir, CHECKPOINT)), 4096)).text;
  const task = /"taskId"\s*:\s*"([^"]+)"/.exec(head)?.[1];
  return task ? { task } : {};
}

function timestamp(): string {
  return new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
}
