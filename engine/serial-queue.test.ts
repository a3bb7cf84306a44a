import { describe, expect, it } from 'vitest';
import { SerialQueue } from './serial-queue.ts';

describe('SerialQueue', () => {
  it('runs an edit only after the step in progress finishes', async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    const step = queue.push(async () => {
      log.push('step start');
      await new Promise((r) => setTimeout(r, 20));
      log.push('step end');
    });
    const edit = queue.push(() => log.push('edit'));
    await Promise.all([step, edit]);
    expect(log).toEqual(['step start', 'step end', 'edit']);
  });

  it('keeps going after a job fails', async () => {
    const queue = new SerialQueue();
    await expect(queue.push(() => { throw new Error('bad edit'); })).rejects.toThrow('bad edit');
    expect(await queue.push(() => 7)).toBe(7);
  });
});
