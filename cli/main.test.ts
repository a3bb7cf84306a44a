import { describe, expect, it } from 'vitest';
import { actuate, actuateProcess } from './run-actuate.ts';
import { fileURLToPath } from 'node:url';

describe('actuate CLI', () => {
  it('runs as a command: compiled output on stdout, usage errors on stderr with exit code 2', async () => {
    const tasks = await actuateProcess('tasks', '--json');
    expect(tasks.code).toBe(0);
    expect(JSON.parse(tasks.stdout).length).toBeGreaterThan(5);
    const unknown = await actuateProcess('fly');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("unknown command 'fly'");
    expect(unknown.stderr).toContain('usage: actuate');
  });

  it('lists tasks and controllers as JSON arrays of {id, title, …}', async () => {
    const tasks = JSON.parse((await actuate('tasks', '--json')).stdout) as { id: string; title: string }[];
    expect(tasks.map((t) => t.id)).toEqual(['pendulum-swingup', 'cartpole-swingup', 'push-box', 'so101-reach', 'so101-push', 'go2-stand', 'go2-walk', 'go2w-walk', 'ant-walk']);
    expect(tasks.every((t) => t.title.length > 0)).toBe(true);
    const controllers = JSON.parse((await actuate('controllers', '--json')).stdout) as { id: string }[];
    expect(controllers.map((c) => c.id)).toEqual(['mppi', 'predictive-sampling', 'cem', 'hold', 'jog', 'zero', 'onnx-policy', 'diffusion-policy', 'world-model-mpc']);
  });

  it('takes --ep for the execution providers and rejects unknown ones with a usage error', async () => {
    const model = fileURLToPath(new URL('../models/go2w_robot_lab/policy.onnx', import.meta.url));
    const card = fileURLToPath(new URL('../models/cards/go2w_robot_lab.card.json', import.meta.url));
    const ok = await actuate('policy', 'check', model, '--card', card, '--ep', 'cpu');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('runs on cpu');
    const bad = await actuate('policy', 'info', model, '--ep', 'tpu');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown execution provider 'tpu'");
  });

  it('runs a closed loop and prints exactly one JSON object', async () => {
    const { code, stdout } = await actuate('run', '--task', 'pendulum-swingup', '--controller', 'zero', '--seconds', '1', '--seed', '4', '--set', 'task.mass=2', '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(Object.keys(result)).toEqual(['task', 'controller', 'engine', 'seed', 'simSeconds', 'wallSeconds', 'steps', 'return', 'success', 'metrics', 'timing']);
    expect(result).toMatchObject({ task: 'pendulum-swingup', controller: 'zero', engine: 'rapier', seed: 4, simSeconds: 1, steps: 50, success: false });
    expect(Object.keys(result.metrics)).toEqual(['uprightFraction', 'finalAngle']);
    expect(Object.keys(result.timing)).toEqual(['physicsStepUs', 'planMs', 'replanHz']);
  });

  it('exits 2 on an unknown --set key and lists the valid keys', async () => {
    const { code, stderr } = await actuate('run', '--task', 'cartpole-swingup', '--controller', 'mppi', '--set', 'controller.samplez=3');
    expect(code).toBe(2);
    expect(stderr).toContain("unknown --set key 'controller.samplez'");
    expect(stderr).toContain('task.poleLength');
    expect(stderr).toContain('controller.samples');
    expect(stderr).toContain('cost.upright');
  });

  it('exits 2 on out-of-range values, unknown tasks and unknown commands', async () => {
    const outOfRange = await actuate('run', '--task', 'cartpole-swingup', '--controller', 'zero', '--set', 'task.poleLength=9', '--seconds', '0.1');
    expect(outOfRange.code).toBe(2);
    expect(outOfRange.stderr).toContain('task.poleLength must be within [0.3, 2]; got 9');
    const unknownTask = await actuate('run', '--task', 'moonwalk');
    expect(unknownTask.code).toBe(2);
    expect(unknownTask.stderr).toContain("unknown task 'moonwalk'");
    expect((await actuate('fly')).code).toBe(2);
  });

  it('refuses to serve beyond loopback without a token', async () => {
    const { code, stderr } = await actuate('serve', '--host', '0.0.0.0', '--port', '0', '--no-token');
    expect(code).toBe(2);
    expect(stderr).toContain('--no-token is allowed only on a loopback address');
  });

  it('refuses a --models folder that does not exist', async () => {
    const { code, stderr } = await actuate('serve', '--port', '0', '--models', '/no/such/models');
    expect(code).toBe(2);
    expect(stderr).toContain('--models /no/such/models: no such folder');
  });

  it('inspects a robot as JSON, and exits 1 naming the problem in a bad file', async () => {
    const go2 = 'assets/robots/go2/example-robot-data/robots/go2_description/urdf/go2.urdf';
    const { code, stdout } = await actuate('robot', 'inspect', fileURLToPath(new URL(`../${go2}`, import.meta.url)), '--json');
    expect(code).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary).toMatchObject({ name: 'go2_description', links: 31, joints: 30, actuatedJoints: 12, meshes: { total: 36, missing: 0 } });
    expect(summary.jointList.find((j: { name: string }) => j.name === 'FL_hip_joint')).toMatchObject({ type: 'revolute', lower: -1.0472, upper: 1.0472 });
    const bad = await actuate('robot', 'inspect', fileURLToPath(new URL('../package.json', import.meta.url)));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("unknown robot file type '.json'");
  });

  it('runs the free-play scene of any robot file with joint sliders as controller parameters', async () => {
    const file = fileURLToPath(new URL('../assets/robots/so101/so101_new_calib.xml', import.meta.url));
    const { code, stdout } = await actuate('run', '--robot', file, '--seconds', '0.5', '--set', 'controller.elbow_flex=0.4', '--json');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ controller: 'jog', simSeconds: 0.5 });
    const bad = await actuate('run', '--robot', file, '--set', 'controller.nope=1');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('controller.shoulder_pan');
  });
});
