/**
 * recording-overhead-ratio: CPU time of a session's simulation loop (its thread) with an MCAP recording
 * attached against the same session without one, alternating short chunks in one run. Headline: the
 * Go2 quadruped standing (zero controller, 16 bodies, every control step recorded: joint states, body
 * transforms, action, cost); the cart-pole (cheapest loop there is) is reported beside it as the worst
 * case. The recording's writing thread encodes and writes on another core; the whole process's CPU
 * ratio (both threads) is reported beside each as `processRatio`.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Session } from '../../engine/session.ts';
import { recordSession } from '../../engine/session-recording.ts';
import { round, type BenchSuite } from '../result.ts';

/** Simulated seconds to warm the JIT up on both sides (~10,000 steps where affordable), then alternating chunks. */
const PLAN = {
  'go2-stand': { warmupSeconds: 60, chunkSeconds: 2, chunks: 20 },
  'cartpole-swingup': { warmupSeconds: 200, chunkSeconds: 5, chunks: 40 },
} as const;

function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Linux gives each thread's CPU time in ns (schedstat's first field); elsewhere only the process's is measured. */
const MAIN_THREAD_STAT = `/proc/self/task/${process.pid}/schedstat`;
const threadMeasured = existsSync(MAIN_THREAD_STAT);

function threadCpuMs(): number {
  return threadMeasured ? Number(readFileSync(MAIN_THREAD_STAT, 'latin1').split(' ')[0]) / 1e6 : processCpuMs();
}

async function overhead(taskId: keyof typeof PLAN, dir: string) {
  const { warmupSeconds, chunkSeconds: CHUNK_SECONDS, chunks: CHUNKS } = PLAN[taskId];
  const plain = await Session.create({ taskId, controllerId: 'zero', seed: 0 });
  const recorded = await Session.create({ taskId, controllerId: 'zero', seed: 0 });
  const file = join(dir, `${taskId}.mcap`);
  const recording = recordSession(recorded, file);
  try {
    await plain.runFor(warmupSeconds);
    await recorded.runFor(warmupSeconds);
    const plainMs = { thread: 0, process: 0 };
    const recordedMs = { thread: 0, process: 0 };
    const chunk = async (session: Session, into: typeof plainMs) => {
      const thread = threadCpuMs();
      const proc = processCpuMs();
      await session.runFor(session.simTime + CHUNK_SECONDS);
      into.thread += threadCpuMs() - thread;
      into.process += processCpuMs() - proc;
    };
    for (let i = 0; i < CHUNKS; i++) {
      await chunk(plain, plainMs);
      await chunk(recorded, recordedMs);
    }
    // The writing thread's share of the last chunks is counted in processRatio only up to here.
    await recording.stop();
    const steps = CHUNKS * Math.round(CHUNK_SECONDS / plain.task.timing.controlDt);
    return {
      chunks: CHUNKS,
      chunkSeconds: CHUNK_SECONDS,
      ratio: round(recordedMs.thread / plainMs.thread),
      measured: threadMeasured ? 'the simulation thread' : 'the whole process (no per-thread CPU time on this platform)',
      plainUsPerStep: round((plainMs.thread * 1000) / steps, 1),
      recordedUsPerStep: round((recordedMs.thread * 1000) / steps, 1),
      processRatio: round(recordedMs.process / plainMs.process),
      bytesPerSimSecond: Math.round(statSync(file).size / recorded.simTime),
    };
  } finally {
    await recording.stop();
    await plain.dispose();
    await recorded.dispose();
  }
}

export const recordingOverhead: BenchSuite = {
  name: 'recording-overhead',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'actuate-bench-recording-'));
    try {
      const go2 = await overhead('go2-stand', dir);
      const cartpole = await overhead('cartpole-swingup', dir);
      return [
        {
          name: 'recording-overhead-ratio',
          value: go2.ratio,
          unit: 'ratio',
          target: '<= 1.05',
          details: { scene: 'go2-stand', controller: 'zero', ...go2 },
        },
        {
          name: 'recording-overhead-ratio-cartpole',
          value: cartpole.ratio,
          unit: 'ratio',
          details: { scene: 'cartpole-swingup', controller: 'zero', note: 'worst case: the cheapest simulation loop', ...cartpole },
        },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
