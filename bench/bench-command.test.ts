import { afterEach, describe, expect, it, vi } from 'vitest';
import { benchCommand } from './bench-command.ts';
import type { BenchSuite } from './result.ts';

const ok: BenchSuite = { name: 'ok', run: async () => [{ name: 'ok-value', value: 3, unit: 'ms' }] };
const broken: BenchSuite = {
  name: 'broken',
  run: async () => {
    throw new Error("ENOENT: no such file or directory, open 'missing.xml'");
  },
};

describe('actuate bench', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints its JSON with every suite, a failed one as a result carrying its error, then exits 1', async () => {
    const out: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((line: string) => void out.push(line));
    const code = await benchCommand(['--json'], [broken, ok]);
    expect(code).toBe(1);
    const report = JSON.parse(out.join('\n'));
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.results).toEqual([
      { name: 'broken', value: null, unit: 'failed', details: { error: "ENOENT: no such file or directory, open 'missing.xml'" } },
      { name: 'ok-value', value: 3, unit: 'ms' },
    ]);
  });

  it('exits 0 when every suite succeeds', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => {});
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await benchCommand([], [ok])).toBe(0);
  });
});
