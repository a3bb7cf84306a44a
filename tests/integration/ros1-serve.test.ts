/**
 * `actuate serve --ros1 … --record …`: the studio's live session on a real roscore and recorded, as
 * `run` does. A protocol client (as the studio page) plays the session; `rostopic echo` sees its joint
 * states under the namespace; the recording, stopped by SIGTERM, reads back indexed with what ran.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../bridges/recording/read-recording.ts';
import { HAVE_ROS, rosMaster } from './support/ros-master.ts';
import { openClient, TOKEN } from './support/studio-client.ts';

const BIN = fileURLToPath(new URL('../../bin/actuate.js', import.meta.url));
const master = rosMaster(2);
const dir = mkdtempSync(join(tmpdir(), 'actuate-ros1-serve-'));
if (!HAVE_ROS) console.warn('ros1-serve.test.ts skipped: roscore/rostopic not installed (.ci/run installs them)');

describe.skipIf(!HAVE_ROS)('serve --ros1 --record', () => {
  beforeAll(() => master.start(), 90_000);
  afterAll(async () => {
    await master.dispose();
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("puts the studio's live session on ROS and records it", async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Actuate</title>');
    const file = join(dir, 'live.mcap');
    const serve = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--token', TOKEN, '--static', dir, '--record', file, '--ros1', master.uri, '--ros-ns', 'studio', '--ros-rate', '20'], {
      env: master.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    process.once('exit', () => serve.kill('SIGKILL'));
    let out = '';
    serve.stdout.on('data', (d: Buffer) => (out += d.toString()));
    serve.stderr.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => serve.once('exit', (code) => r(code)));
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`serve did not start: ${out}`)), 120_000);
        const look = () => {
          const m = /Actuate studio at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
          if (m && /on ROS: /.test(out)) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        };
        serve.stdout.on('data', look);
        void exited.then((code) => reject(new Error(`serve exited (${code}): ${out}`)));
      });
      expect(out).toContain(`recording to ${file}`);
      expect(out).toMatch(/on ROS: publishing \/studio\/joint_states, \/studio\/tf, \/studio\/odom, \/studio\/task_state; taking \/studio\/cmd_vel/);

      const { client, ws } = await openClient(port);
      try {
        expect(await client.call('record', { action: 'status' })).toMatchObject({ active: true, path: file });
        await client.call('play', {});
        const echo = await master.run(['rostopic', 'echo', '-n', '1', '/studio/joint_states'], 30);
        expect(echo).toMatch(/name: \n  - slider\n  - hinge/);
        await client.call('pause', {});
      } finally {
        client.close();
        ws.close();
      }
    } finally {
      serve.kill('SIGTERM');
      await exited;
    }
    const rec = await readRecording(file);
    expect(rec.indexed).toBe(true);
    expect(rec.messages.filter((m) => m.topic === '/joint_states').length).toBeGreaterThan(10);
  });
});
