/**
 * Test support: runs the `actuate` command line and collects its exit code and output — in this process
 * (`actuate`, the CLI's own `main` with console output captured: no process start-up per call), or as a
 * real child process (`actuateProcess`) where the process boundary is what a test checks.
 */
import { execFile } from 'node:child_process';
import { projectPath } from '../sim/project-paths.ts';
import { main } from './main.ts';

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

const BIN = projectPath('bin/actuate.js');

/** Calls the CLI in-process; commands that set environment variables (--ep) leave none behind. */
export async function actuate(...args: string[]): Promise<CommandResult> {
  const out: string[] = [];
  const err: string[] = [];
  const saved = { log: console.log, error: console.error, warn: console.warn, write: process.stderr.write };
  const env = { ...process.env };
  const line = (sink: string[]) => (...parts: unknown[]) => void sink.push(parts.map(String).join(' ') + '\n');
  console.log = line(out);
  console.error = line(err);
  console.warn = line(err);
  process.stderr.write = ((chunk: string | Uint8Array) => err.push(String(chunk)) > 0) as typeof process.stderr.write;
  try {
    const code = await main(args);
    return { code, stdout: out.join(''), stderr: err.join('') };
  } finally {
    Object.assign(console, { log: saved.log, error: saved.error, warn: saved.warn });
    process.stderr.write = saved.write;
    for (const key of Object.keys(process.env)) if (!(key in env)) delete process.env[key];
    Object.assign(process.env, env);
  }
}

/** Runs `bin/actuate.js` as a child process. */
export function actuateProcess(...args: string[]): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}
