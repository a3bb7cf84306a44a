// A user clones the repository anywhere: a clone in a temporary folder, with no development folders
// beside it, runs the CLI and a test file of its own. (CI's .ci/run also starts from a clean clone.)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { projectPath, PROJECT_ROOT } from '../../sim/project-paths.ts';

const parent = mkdtempSync(join(tmpdir(), 'actuate-clone-'));
const clone = join(parent, 'actuate');

/** This test's own runner variables (VITEST, …) stay out of the clone's processes. */
const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS'));

function inClone(command: string, args: string[]): string {
  return execFileSync(command, args, { cwd: clone, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'], env: { ...env, NO_COLOR: '1' } });
}

describe('a fresh clone in a folder of its own', () => {
  afterAll(() => rmSync(parent, { recursive: true, force: true }));

  it('runs the CLI and its own tests without anything outside the clone', () => {
    execFileSync('git', ['clone', '--quiet', '--no-hardlinks', PROJECT_ROOT, clone]);
    // The installed packages are the one thing borrowed (npm install would fetch the same from the registry).
    symlinkSync(projectPath('node_modules'), join(clone, 'node_modules'), 'dir');

    const tasks = JSON.parse(inClone(process.execPath, ['bin/actuate.js', 'tasks', '--json'])) as { id: string }[];
    expect(tasks.map((t) => t.id)).toContain('go2w-walk');
    const go2 = 'assets/robots/go2/example-robot-data/robots/go2_description/urdf/go2.urdf';
    expect(JSON.parse(inClone(process.execPath, ['bin/actuate.js', 'robot', 'inspect', go2, '--json']))).toMatchObject({ links: 31, meshes: { missing: 0 } });

    const vitest = projectPath('node_modules/vitest/vitest.mjs');
    // The test that reads every tracked file of the clone for references outside it.
    const report = inClone(process.execPath, [vitest, 'run', 'tools/self-contained.test.ts', '--reporter=dot']);
    expect(report).toMatch(/Tests\s+\d+ passed/);
    expect(report).not.toMatch(/failed/);
  });
});
