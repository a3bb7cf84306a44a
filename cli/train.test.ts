import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DemonstrationRecorder } from '../bridges/recording/demonstration-recorder.ts';
import { evalCommand } from './commands/eval.ts';
import { trainCommand } from './commands/train.ts';
import { actuate } from './run-actuate.ts';
import { UsageError } from './usage-error.ts';

const dir = mkdtempSync(join(tmpdir(), 'actuate-train-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
/** A file where the run's parent folder should be: the folder cannot be made. */
const blocker = join(dir, 'blocker');
writeFileSync(blocker, '');

/** A demonstrations file of push-box with one short episode, and one with none. */
const demos = join(dir, 'demos.mcap');
const empty = join(dir, 'empty.mcap');
{
  const recorder = new DemonstrationRecorder(demos);
  recorder.startEpisode({ episode: 0, seed: 0, task: 'push-box', taskParams: {}, controller: 'mppi', controllerParams: {}, costWeights: {}, controlDt: 0.02, observationSize: 6, actuators: ['force x', 'force y'] });
  recorder.step({ episode: 0, step: 0, time: 0.02, observation: [0, 0, 0, 0, 0.3, 0.2], action: [1, 0], reward: -1 });
  recorder.endEpisode({ episode: 0, steps: 1, return: -1, success: false, metrics: {} }, 0.02);
  recorder.close();
  new DemonstrationRecorder(empty).close();
}

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
    [['train', '--task', 'cartpole-swingup', '--algo', 'sac', '--out', out], /unknown --algo 'sac'; available: ppo, diffusion, world-model/],
    [['train', '--algo', 'world-model', '--out', out], /--task is required/],
    [['train', '--algo', 'world-model', '--resume', join(dir, 'missing'), '--out', out], /--resume .*missing: no checkpoint.json there/],
    [['train', '--task', 'cartpole-swingup', '--algo', 'world-model', '--updates-per-step', '0', '--out', out], /--updates-per-step must be a positive number, got '0'/],
    [['train', '--task', 'cartpole-swingup', '--algo', 'world-model', '--demos', demos, '--out', out], /--demos goes with --algo diffusion \(world-model learns from its own experience\)/],
    [['train', '--algo', 'diffusion', '--out', out], /--demos FILE.mcap is required with --algo diffusion \(record some: actuate record --task T --episodes N/],
    [['train', '--algo', 'diffusion', '--demos', join(dir, 'nope.mcap'), '--out', out], /nope.mcap: cannot read the demonstrations \(ENOENT\)/],
    [['train', '--algo', 'diffusion', '--demos', blocker, '--out', out], /blocker: no demonstration episodes \(no \/demo\/episode messages\)/],
    [['train', '--algo', 'diffusion', '--demos', empty, '--out', out], /empty.mcap: no demonstration episodes/],
    [['train', '--algo', 'diffusion', '--demos', demos, '--task', 'cartpole-swingup', '--out', out], /demos.mcap: the demonstrations are of task 'push-box', not 'cartpole-swingup'/],
    [['train', '--algo', 'diffusion', '--demos', demos, '--out', out], /none of the 1 episodes succeeded; give --all-episodes/],
    [['train', '--algo', 'diffusion', '--demos', demos, '--all-episodes', '--horizon', '2', '--obs-horizon', '3', '--out', out], /observation horizon \(3\) cannot exceed the action horizon \(2\)/],
    [['train', '--algo', 'diffusion', '--demos', demos, '--target-lead', '3', '--out', out, '--all-episodes'], /--target-lead goes with --position-target/],
    [['train', '--algo', 'diffusion', '--demos', demos, '--position-target', '0', '--out', out, '--all-episodes'], /position targets: 1 observation entries given, the actions have 2 dimensions/],
    [['train', '--algo', 'diffusion', '--demos', demos, '--position-target', '0,x', '--out', out, '--all-episodes'], /--position-target must be a whole number ≥ 0, got 'x'/],
    [['train', '--task', 'cartpole-swingup', '--demos', demos, '--out', out], /--demos goes with --algo diffusion/],
    [['train', '--task', 'cartpole-swingup'], /--out DIR is required/],
    [['train', '--task', 'cartpole-swingup', '--out', out, '--minutes', '1', '--steps', '10'], /give --minutes or --steps, not both/],
    [['train', '--task', 'cartpole-swingup', '--out', out, '--envs', '0'], /--envs must be a whole number ≥ 1, got '0'/],
    [['train', '--task', 'cartpole-swingup', '--out', out, '--lr-schedule', 'cosine'], /--lr-schedule 'cosine': use adaptive or fixed/],
    [['train', '--task', 'cartpole-swingup', '--out', out, '--lr-schedule', 'fixed', '--lr', '0'], /--lr must be a positive number, got '0'/],
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

  it('under --json the error is JSON on stdout as well', async () => {
    const { code, stderr, stdout } = await actuate('eval', '--task', 'nope', '--controller', 'zero', '--json');
    expect(code).toBe(2);
    expect(JSON.parse(stdout)).toEqual({ error: expect.stringMatching(/unknown task 'nope'/) });
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
