/**
 * A slow disk must not stall the session: the recording's file is a FIFO whose reader takes nothing
 * for a while (the writing thread blocks in write, as on a stalled disk); the session keeps stepping,
 * messages beyond the queue's bound are dropped and counted, and once the reader drains the FIFO the
 * file completes with every message not counted as dropped, and the counts saved in it.
 */
import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecording } from '../bridges/recording/read-recording.ts';
import { Session } from './session.ts';
import { recordSession } from './session-recording.ts';

const dir = mkdtempSync(join(tmpdir(), 'actuate-recording-thread-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recording on its own thread', () => {
  it('drops and counts what a stalled disk cannot take, never stalling the session, and completes the file once it drains', async () => {
    const fifo = join(dir, 'stalled.mcap');
    execFileSync('mkfifo', [fifo]);
    // The "disk": it opens the file and then takes nothing until told (no 'data' listener yet).
    const disk = createReadStream(fifo, { highWaterMark: 4096 });
    const taken: Buffer[] = [];
    const ended = new Promise<void>((resolve) => disk.once('end', () => resolve()));

    const session = await Session.create({ taskId: 'cartpole-swingup', controllerId: 'zero', seed: 0 });
    const statuses: string[] = [];
    const recording = recordSession(session, fifo, { maxQueuedBytes: 128 << 10, onStatus: (m) => statuses.push(m) });
    try {
      // 20 s of cart-pole is about 1000 control steps and 1 MB of messages: far more than the pipe (64 kB) and the queue (128 kB) hold.
      await session.runFor(20);
      const steps = session.controlSteps;
      expect(steps).toBe(1000);
      const dropped = recording.dropped();
      expect(dropped['/joint_states']).toBeGreaterThan(100);
      expect(statuses.some((s) => /disk is not keeping up/.test(s))).toBe(true);

      disk.on('data', (b) => taken.push(b as Buffer));
      await recording.stop();
      await ended;
      const copy = join(dir, 'drained.mcap');
      writeFileSync(copy, Buffer.concat(taken));
      const rec = await readRecording(copy);
      expect(rec.indexed).toBe(true);
      const count = (topic: string) => rec.messages.filter((m) => m.topic === topic).length;
      const final = recording.dropped();
      // Every step is either in the file or counted as dropped: nothing lost silently.
      for (const topic of ['/joint_states', '/tf', '/control/action', '/cost']) expect(count(topic) + (final[topic] ?? 0)).toBe(steps);
      const stats = rec.messages.filter((m) => m.topic === '/actuate/recording');
      expect(stats.map((m) => m.data)).toEqual([{ dropped: final }]);
    } finally {
      disk.resume();
      await recording.stop().catch(() => undefined);
      await session.dispose();
    }
  });
});
