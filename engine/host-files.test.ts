/** What a client can make the engine open: only files in allowed folders, loaded off the event loop, with errors that quote nothing. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineHost } from './host.ts';
import { memoryPortPair } from '../protocol/memory-port.ts';
import { createClient, type Client } from '../protocol/rpc.ts';

const root = mkdtempSync(join(tmpdir(), 'actuate-host-files-'));
const robots = join(root, 'robots');
const elsewhere = join(root, 'home');
mkdirSync(robots);
mkdirSync(elsewhere);
const SECRET = 'API_KEY=sk-live-0123456789\nDB_PASSWORD=hunter2\n';
const SECRET_FRAGMENTS = ['API_KEY', 'sk-live', 'hunter2', 'PASSWORD'];
writeFileSync(join(elsewhere, 'secrets.urdf'), SECRET);
writeFileSync(join(robots, 'env.urdf'), SECRET);
writeFileSync(join(robots, 'env.json'), SECRET);
writeFileSync(join(robots, 'keys.json'), `{"API_KEY": "sk-live-0123456789", "DB_PASSWORD": "hunter2"}`);
writeFileSync(join(robots, 'env.onnx'), SECRET);
writeFileSync(join(robots, 'loop.urdf'), '<robot name="r"><link name="a"/><link name="b"/><joint name="j1" type="fixed"><parent link="a"/><child link="b"/></joint><joint name="j2" type="fixed"><parent link="b"/><child link="a"/></joint></robot>');
const so101 = fileURLToPath(new URL('../assets/robots/so101/so101_new_calib.urdf', import.meta.url));
const arm = join(robots, 'arm.urdf');
copyFileSync(so101, arm);

// Trusted-looking files inside the allowed folder that name files outside it.
writeFileSync(join(elsewhere, 'secret.xml'), '<mujoco><worldbody><body name="API_KEY=sk-live"/></worldbody></mujoco>');
writeFileSync(join(elsewhere, 'part.stl'), SECRET);
writeFileSync(join(robots, 'includes.xml'), `<mujoco model="m">\n<include file="../home/secret.xml"/>\n<worldbody><body name="b"><geom type="box" size="0.1 0.1 0.1"/></body></worldbody></mujoco>`);
writeFileSync(join(robots, 'mesh-outside.urdf'), `<robot name="r"><link name="a"><visual><geometry><mesh filename="file://${join(elsewhere, 'part.stl')}"/></geometry></visual></link></robot>`);
writeFileSync(join(robots, 'mesh-package.urdf'), '<robot name="r"><link name="a"><visual><geometry><mesh filename="package://home/part.stl"/></geometry></visual></link></robot>');
copyFileSync(fileURLToPath(new URL('../models/go2w_robot_lab/policy.onnx', import.meta.url)), join(elsewhere, 'policy.onnx'));
writeFileSync(join(robots, 'card-outside.card.json'), JSON.stringify({ ...JSON.parse(readFileSync(fileURLToPath(new URL('../models/cards/go2w_robot_lab.card.json', import.meta.url)), 'utf8')), model: '../home/policy.onnx' }));
writeFileSync(join(robots, 'broken.onnx'), Buffer.concat([Buffer.from([0x08, 0x07, 0x12]), Buffer.from(SECRET)]));

let host: EngineHost;
let client: Client;

beforeAll(async () => {
  host = await EngineHost.create({ controllerId: 'zero', robotDirs: [robots], modelDirs: [] });
  const [engineSide, clientSide] = memoryPortPair();
  host.connect(engineSide);
  client = createClient(clientSide);
});
afterAll(async () => {
  client.close();
  await host.dispose();
});

async function errorOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (err) {
    return (err as Error).message;
  }
  throw new Error('expected the call to fail');
}

describe('EngineHost file access', () => {
  it('refuses robot and model paths outside the allowed folders, by any command', async () => {
    for (const call of [
      client.call('openRobot', { file: join(elsewhere, 'secrets.urdf') }),
      client.call('setTask', { id: `robot:${join(elsewhere, 'secrets.urdf')}` }),
      client.call('describeModel', { path: join(elsewhere, 'policy.onnx') }),
      client.call('describeModel', { path: '/etc/passwd.json' }),
      client.call('setController', { id: 'onnx-policy', params: { card: join(elsewhere, 'card.json') } }),
    ]) {
      expect(await errorOf(call)).toMatch(/is outside the folders this studio may open/);
    }
    expect(await errorOf(client.call('openRobot', { file: '/etc/passwd' }))).toMatch(/robot files end in \.urdf/);
  });

  it('quotes none of the bytes of a file that is not a robot or a model', async () => {
    const messages = [
      await errorOf(client.call('openRobot', { file: join(robots, 'env.urdf') })),
      await errorOf(client.call('describeModel', { path: join(robots, 'env.json') })),
      await errorOf(client.call('describeModel', { path: join(robots, 'keys.json') })),
      await errorOf(client.call('describeModel', { path: join(robots, 'env.onnx') })),
    ];
    for (const message of messages) {
      expect(message).toMatch(/env\.|keys\./);
      for (const fragment of SECRET_FRAGMENTS) expect(message).not.toContain(fragment);
    }
  });

  it('names a loop of joints instead of overflowing the stack', async () => {
    expect(await errorOf(client.call('openRobot', { file: join(robots, 'loop.urdf') }))).toMatch(/loop\.urdf:\d+: joints form a loop \(. → . → .\)/);
  });

  it('opens a robot inside an allowed folder (parsed off the event loop)', async () => {
    const snapshot = await client.call('openRobot', { file: arm });
    expect(snapshot.task.id).toBe(`robot:${arm}`);
    expect(snapshot.controller.id).toBe('jog');
    expect(snapshot.scene.bodies.length).toBeGreaterThan(5);
  });

  it('stops a load that takes longer than its time limit', async () => {
    const slow = await EngineHost.create({ controllerId: 'zero', robotDirs: [robots], robotLoad: { timeoutMs: 1 } });
    try {
      const [engineSide, clientSide] = memoryPortPair();
      slow.connect(engineSide);
      const c = createClient(clientSide);
      expect(await errorOf(c.call('openRobot', { file: arm }))).toMatch(/loading .*arm\.urdf stopped: it took longer than 0 s/);
      c.close();
    } finally {
      await slow.dispose();
    }
  });

  it('refuses files that a robot file or a model card names outside the allowed folders, before reading them', async () => {
    const refusals = [
      [await errorOf(client.call('openRobot', { file: join(robots, 'includes.xml') })), 'includes.xml:2 names a file the studio may not open'],
      [await errorOf(client.call('openRobot', { file: join(robots, 'mesh-outside.urdf') })), 'mesh-outside.urdf names a file the studio may not open'],
      [await errorOf(client.call('openRobot', { file: join(robots, 'mesh-package.urdf') })), 'mesh-package.urdf names a file the studio may not open'],
      [await errorOf(client.call('setController', { id: 'onnx-policy', params: { card: join(robots, 'card-outside.card.json') } })), 'card-outside.card.json names a file the studio may not open'],
    ] as const;
    for (const [message, expected] of refusals) {
      expect(message).toContain(expected);
      expect(message).toMatch(/is outside the folders this studio may open/);
      for (const fragment of SECRET_FRAGMENTS) expect(message).not.toContain(fragment);
    }
    expect((await client.call('getSession')).controller.id).toBe('jog');
  });

  it('decodes a model file on a worker thread before a controller loads it, quoting none of it', async () => {
    const message = await errorOf(client.call('setController', { id: 'diffusion-policy', params: { model: join(robots, 'broken.onnx') } }));
    // The decoder's words (model-info.ts), not ORT's: refused before the engine thread loaded it.
    expect(message).toMatch(/broken\.onnx: not an ONNX model \(/);
    for (const fragment of SECRET_FRAGMENTS) expect(message).not.toContain(fragment);
  });
});
