/**
 * recording-overhead-ratio: CPU time of a session's simulation loop with an MCAP recording attached
 * against the same session without one, alternating short chunks in one run. Headline: the Go2
 * quadruped standing (zero controller, 16 bodies, every control step recorded: joint states, body
 * transforms, action, cost); the cart-pole (cheapest loop there is) is reported beside it as the worst case.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
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

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
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
    let plainMs = 0;
    let recordedMs = 0;
    for (let i = 0; i < CHUNKS; i++) {
      let t0 = cpuMs();
      await plain.runFor(plain.simTime + CHUNK_SECONDS);
      plainMs += cpuMs() - t0;
      t0 = cpuMs();
      await recorded.runFor(recorded.simTime + CHUNK_SECONDS);
      recordedMs += cpuMs() - t0;
    }
    await recording.stop();
    const steps = CHUNKS * Math.round(CHUNK_SECONDS / plain.task.timing.controlDt);
    return {
      chunks: CHUNKS,
      chunkSeconds: CHUNK_SECONDS,
      ratio: round(recordedMs / plainMs),
      plainUsPerStep: round((plainMs * 1000) / steps, 1),
      recordedUsPerStep: round((recordedMs * 1000) / steps, 1),
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
