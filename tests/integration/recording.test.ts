/**
 * Recording a real session: what the session stepped is what the file holds, and a recording whose
 * process is SIGKILLed mid-run reads back up to its last second.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { readRecording } from '../../bridges/recording/read-recording.ts';
import { summarizeRecording } from '../../bridges/recording/recording-summary.ts';
import { Session } from '../../engine/session.ts';
import { recordSession } from '../../engine/session-recording.ts';

const ACTUATE = fileURLToPath(new URL('../../bin/actuate.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'actuate-recording-it-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recording a session', () => {
  it('holds every control step the session took: joint states, actions and costs as sent', async () => {
    const path = join(dir, 'session.mcap');
    const session = await Session.create({ taskId: 'pendulum-swingup', controllerId: 'zero', seed: 1 });
    const recording = recordSession(session, path);
    const sent: { time: number; action: number[]; cost: number; terms: number[] }[] = [];
    session.onStep((s) => sent.push({ time: s.time, action: Array.from(s.action), cost: s.cost, terms: Array.from(s.costTerms) }));
    await session.setParams('cost', { [session.task.costTerms[0]!.name]: session.task.costTerms[0]!.range[1] });
    await session.runFor(1);
    await recording.stop();
    const termNames = session.task.costTerms.map((t) => t.name);
    const actuators = session.task.scene.actuators.map((a) => a.name);
    await session.dispose();

    const rec = await readRecording(path);
    expect(rec.indexed).toBe(true);
    const on = (topic: string) => rec.messages.filter((m) => m.topic === topic).map((m) => m.data);
    expect(sent.length).toBe(50);
    expect(on('/joint_states')).toHaveLength(sent.length);
    expect(on('/control/action')).toEqual(sent.map((s) => ({ time: s.time, values: Object.fromEntries(actuators.map((a, i) => [a, s.action[i]])) })));
    expect(on('/cost')).toEqual(sent.map((s) => ({ time: s.time, total: s.cost, terms: Object.fromEntries(termNames.map((n, i) => [n, s.terms[i]])) })));
    // Every command the robot was sent, after its safety layer, with what the controller asked for.
    const commands = on('/robot/command') as { time: number; requested: number[]; sent: number[]; clamped: number }[];
    expect(commands.map((c) => c.sent)).toEqual(sent.map((s) => s.action));
    expect(commands.every((c) => c.requested.length === actuators.length && c.clamped >= 0)).toBe(true);
    // The cost-weight edit is recorded as a second settings message.
    const settings = on('/actuate/settings') as { task: string; costWeights: Record<string, number> }[];
    expect(settings).toHaveLength(2);
    expect(settings[0]!.task).toBe('pendulum-swingup');
    expect(settings[1]!.costWeights[termNames[0]!]).not.toBe(settings[0]!.costWeights[termNames[0]!]);
  });

  it('survives SIGKILL: the file reads back up to its last second', async () => {
    const path = join(dir, 'killed.mcap');
    const child = spawn(process.execPath, [ACTUATE, 'run', '--task', 'cartpole-swingup', '--controller', 'zero', '--seconds', '100000', '--record', path], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    let killedAt = 0;
    try {
      // Wait until the recording has been writing for two seconds.
      const deadline = Date.now() + 90_000;
      let firstWrite = 0;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`actuate run exited early (${child.exitCode}): ${stderr}`);
        const size = existsSync(path) ? statSync(path).size : 0;
        if (size > 50_000 && !firstWrite) firstWrite = Date.now();
        if (firstWrite && Date.now() - firstWrite > 2000) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(firstWrite, 'the recording never grew').toBeGreaterThan(0);
    } finally {
      killedAt = Date.now();
      child.kill('SIGKILL');
      await exited;
    }
    const rec = await readRecording(path);
    expect(rec.indexed).toBe(false);
    const summary = summarizeRecording(rec);
    expect(summary.messages).toBeGreaterThan(100);
    const lastWrite = rec.messages.reduce((a, m) => (m.publishTime > a ? m.publishTime : a), 0n);
    expect(killedAt - Number(lastWrite / 1_000_000n)).toBeLessThan(1000);
    // Every control step that reached the file is whole: the per-step topics differ by at most one step.
    const count = (topic: string) => summary.topics.find((t) => t.topic === topic)!.messages;
    expect(Math.abs(count('/joint_states') - count('/cost'))).toBeLessThanOrEqual(1);
    expect(summary.gaps.filter((g) => g.topic === '/joint_states')).toEqual([]);
  });
});
