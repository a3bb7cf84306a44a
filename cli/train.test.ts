import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { evalCommand } from './commands/eval.ts';
import { trainCommand } from './commands/train.ts';
import { actuate } from './run-actuate.ts';
import { UsageError } from './usage-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'actuate-train-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** A file where the run's parent folder should be: the folder cannot be made. */
const blocker = join(dir, 'blocker');
writeFileSync(blocker, '');

/** Runs a command in this process; returns the usage error's message (main() prints it and exits 2). */
async function run(command: string, ...args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await (command === 'train' ? trainCommand(args) : evalCommand(args));
    return { code: 0, stderr: '' };
  } catch (err) {
    return { code: err instanceof UsageError ? 2 : 1, stderr: (err as Error).message };
  }
}

describe('actuate train / eval: bad input is one clear line and exit 2', () => {
  const out = join(dir, 'run');
  it.each([
    [['train', '--task', 'nope', '--out', out], /unknown task 'nope'; available: pendulum-swingup/],
    [['train', '--task', 'cartpole-swingup', '--algo', 'sac', '--out', out], /unknown --algo 'sac'; available: ppo/],
    [['train', '--task', 'cartpole-swingup', '--algo', 'diffusion', '--out', out], /--algo diffusion is not available yet/],
    [['train', '--task', 'cartpole-swingup'], /--out DIR is required/],
    [['train', '--task', 'cartpole-swingup', '--out', out, '--minutes', '1', '--steps', '10'], /give --minutes or --steps, not both/],
    [['train', '--task', 'cartpole-swingup', '--out', out, '--envs', '0'], /--envs must be a whole number ≥ 1, got '0'/],
    [['train', '--task', 'cartpole-swingup', '--out', out, '--set', 'cost.upright=3'], /training takes task.<param>=value; task parameters: poleLength/],
    [['train', '--task', 'cartpole-swingup', '--out', join(blocker, 'run')], /--out .*blocker\/run: cannot write there \(ENOTDIR\)/],
    [['eval', '--task', 'cartpole-swingup'], /--controller is required/],
    [['eval', '--task', 'cartpole-swingup', '--controller', 'nope'], /unknown controller 'nope'/],
    [['eval', '--task', 'cartpole-swingup', '--controller', 'zero', '--episodes', 'x'], /--episodes must be a whole number ≥ 1, got 'x'/],
  ])('%j', async (args, message) => {
    const { code, stderr } = await run(...(args as [string, ...string[]]));
    expect(stderr).toMatch(message);
    expect(code).toBe(2);
  });

  it('the real binary prints one line and exits 2', async () => {
    const { code, stderr, stdout } = await actuate('train', '--task', 'nope', '--out', out);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(/^actuate: unknown task 'nope'/);
  });

  it('a corrupt or foreign checkpoint names the file and the field', async () => {
    const bad = join(dir, 'bad');
    mkdirSync(bad, { recursive: true });
    writeFileSync(join(bad, 'checkpoint.json'), '{"version": 1, "taskId": "cartpole-swingup"');
    let r = await run('train', '--resume', bad, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\/checkpoint.json: not valid JSON .*the checkpoint is corrupt/);
    writeFileSync(join(bad, 'checkpoint.json'), JSON.stringify({ version: 1, taskId: 'cartpole-swingup' }));
    r = await run('train', '--resume', bad, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/checkpoint.json: spec: missing/);
    r = await run('train', '--resume', join(dir, 'missing'), '--out', out);
    expect(r.stderr).toMatch(/no checkpoint.json there/);
  });
});
