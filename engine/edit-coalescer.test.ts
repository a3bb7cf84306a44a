import { describe, expect, it } from 'vitest';
import type { SessionSnapshot } from '../protocol/api.ts';
import { EditCoalescer } from './edit-coalescer.ts';

/** A fake session state: the log of edits applied, each taking a few ms like a real switch takes seconds. */
function harness() {
  const applied: string[] = [];
  const state = { label: 'start' };
  const snap = () => ({ label: state.label }) as unknown as SessionSnapshot;
  const coalescer = new EditCoalescer(snap);
  const edit = (label: string, fail = false) => async (values?: Record<string, unknown>) => {
    await new Promise((r) => setTimeout(r, 5));
    const full = values ? `${label}${JSON.stringify(values)}` : label;
    if (fail) throw new Error(`${label} failed`);
    applied.push(full);
    state.label = full;
    return snap();
  };
  return { applied, coalescer, edit };
}

const label = (s: SessionSnapshot) => (s as unknown as { label: string }).label;

describe('EditCoalescer', () => {
  it('runs only the newest of many waiting controller switches, answering every caller', async () => {
    const { applied, coalescer, edit } = harness();
    const calls = ['a', 'b', 'c', 'd', 'e'].map((id) => coalescer.submit('controller', edit(id)));
    const answers = (await Promise.all(calls)).map(label);
    expect(applied).toEqual(['a', 'e']); // 'a' was already running
    expect(answers).toEqual(['a', 'e', 'e', 'e', 'e']);
    expect(coalescer.superseded).toBe(3);
  });

  it('merges waiting parameter edits of one scope, later keys winning', async () => {
    const { applied, coalescer, edit } = harness();
    const first = coalescer.submit('controller', edit('mppi'));
    const p1 = coalescer.submit('params', edit('cost'), 'cost', { a: 1, b: 1 });
    const p2 = coalescer.submit('params', edit('cost'), 'cost', { b: 2 });
    const p3 = coalescer.submit('params', edit('task'), 'task', { h: 1 });
    await Promise.all([first, p1, p2, p3]);
    expect(applied).toEqual(['mppi', 'cost{"a":1,"b":2}', 'task{"h":1}']);
  });

  it('a task change drops waiting parameter edits but keeps a waiting controller change', async () => {
    const { applied, coalescer, edit } = harness();
    const running = coalescer.submit('task', edit('t1'));
    const calls = [coalescer.submit('params', edit('p'), 'task', { x: 1 }), coalescer.submit('controller', edit('c')), coalescer.submit('task', edit('t2'))];
    await Promise.all([running, ...calls]);
    expect(applied).toEqual(['t1', 'c', 't2']);
  });

  it('a failing edit rejects its own caller; superseded callers get the state', async () => {
    const { coalescer, edit } = harness();
    const running = coalescer.submit('task', edit('t1'));
    const superseded = coalescer.submit('task', edit('t2'));
    const failing = coalescer.submit('task', edit('t3', true));
    await running;
    await expect(failing).rejects.toThrow('t3 failed');
    expect(label(await superseded)).toBe('t1');
  });
});
