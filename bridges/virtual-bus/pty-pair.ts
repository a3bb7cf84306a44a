/** A connected pair of pseudo-terminals from socat: real ttys, so the whole serial stack runs without hardware. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface PtyPair {
  /** The two ends: bytes written to one are read from the other. */
  a: string;
  b: string;
  socat: ChildProcess;
  close(): Promise<void>;
}

export function startPtyPair(timeoutMs = 5000): Promise<PtyPair> {
  return new Promise((resolve, reject) => {
    let socat: ChildProcess;
    try {
      socat = spawn('socat', ['-d', '-d', 'pty,raw,echo=0', 'pty,raw,echo=0'], { stdio: ['ignore', 'ignore', 'pipe'] });
    } catch (err) {
      return reject(new Error(`cannot start socat (install it: apt-get install socat): ${(err as Error).message}`));
    }
    const paths: string[] = [];
    let stderr = '';
    const timer = setTimeout(() => {
      socat.kill();
      reject(new Error(`socat gave no pty pair within ${timeoutMs} ms: ${stderr.trim()}`));
    }, timeoutMs);
    socat.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`cannot start socat (install it: apt-get install socat): ${err.message}`));
    });
    socat.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      for (const m of stderr.matchAll(/PTY is (\S+)/g)) if (!paths.includes(m[1]!)) paths.push(m[1]!);
      if (paths.length === 2 && /starting data transfer loop/.test(stderr)) {
        clearTimeout(timer);
        resolve({
          a: paths[0]!,
          b: paths[1]!,
          socat,
          close: () =>
            new Promise<void>((done) => {
              if (socat.exitCode !== null || socat.signalCode !== null) return done();
              socat.once('exit', () => done());
              socat.kill();
            }),
        });
      }
    });
  });
}
