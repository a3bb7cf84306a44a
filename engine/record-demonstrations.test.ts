import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEMONSTRATION_PROFILE, DemonstrationRecorder } from '../bridges/recording/demonstration-recorder.ts';
import { readDemonstrations } from '../bridges/recording/read-demonstrations.ts';
import { readRecording } from '../bridges/recording/read-recording.ts';
import type { ParamValues } from '../sim/params.ts';
import { Random } from '../sim/random.ts';
import { findTask } from '../sim/tasks/index.ts';
import { recordDemonstrations } from './record-demonstrations.ts';

const dir = mkdtempSync(join(tmpdir(), 'actuate-demos-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('record --episodes: demonstrations to MCAP', () => {
  it('writes every episode with its settings, observations, actions and outcome, and reads back', async () => {
    const out = join(dir, 'demos.mcap');
    const summary = await recordDemonstrations({ taskId: 'push-box', controllerId: 'mppi', controllerParams: { samples: 4, horizon: 0.2, threads: 1 }, seed: 5, seconds: 0.1, episodes: 3, out, taskParams: { goalX: 0.25 } });
    expect(summary).toMatchObject({ task: 'push-box', controller: 'mppi', episodes: 3, steps: 15 });

    const recording = await readRecording(out);
    expect(recording.profile).toBe(DEMONSTRATION_PROFILE);
    expect(recording.topics.map((t) => `${t.topic} ${t.schemaName} ${t.messageEncoding}`).sort()).toEqual(['/demo/episode actuate.DemoEpisode json', '/demo/step actuate.DemoStep json']);

    const demos = await readDemonstrations(out);
    expect(demos).toMatchObject({ task: 'push-box', obsDim: 6, actionDim: 2, controlDt: 0.02, actuators: ['force x', 'force y'], incomplete: 0 });
    expect(demos.taskParams.goalX).toBe(0.25);
    expect(demos.episodes.map((e) => [e.seed, e.steps, e.controller])).toEqual([[5, 5, 'mppi'], [6, 5, 'mppi'], [7, 5, 'mppi']]);
    // Step 0's observation is the reset state's for the episode's seed; the goal rides along in every one.
    const task = findTask('push-box').build(demos.taskParams as ParamValues);
    for (const e of demos.episodes) {
      const first = task.observe(task.reset(new Random(e.seed)));
      first.forEach((v, i) => expect(e.observations[i]).toBeCloseTo(v, 5));
      for (let s = 0; s < e.steps; s++) expect(e.observations[s * 6 + 4]).toBeCloseTo(0.25, 6);
      expect(e.rewards.every((r) => r <= 0)).toBe(true);
      expect(e.actions.some((a) => a !== 0)).toBe(true);
    }

  });

  it('with an expert, records the expert\'s actions in the states the driving controller reaches (DAgger)', async () => {
    const out = join(dir, 'relabelled.mcap');
    const summary = await recordDemonstrations({
      taskId: 'push-box', controllerId: 'zero', seed: 3, seconds: 0.1, episodes: 2, out,
      expert: { controllerId: 'mppi', params: { samples: 4, horizon: 0.2, threads: 1 } },
    });
    expect(summary).toMatchObject({ controller: 'zero', expert: 'mppi', episodes: 2, steps: 10 });
    const demos = await readDemonstrations(out);
    for (const e of demos.episodes) {
      expect(e).toMatchObject({ controller: 'zero', expert: 'mppi' });
      // Nothing pushed the pusher (zero drove), yet every recorded action is MPPI's push.
      for (let s = 1; s < e.steps; s++) expect(e.observations[s * 6]).toBeCloseTo(e.observations[0]!, 6);
      expect(e.actions.some((a) => Math.abs(a) > 0.05)).toBe(true);
    }
  });

  it('with execution noise, applies noisy actions and records the clean ones (DART)', async () => {
    const out = join(dir, 'dart.mcap');
    const summary = await recordDemonstrations({ taskId: 'push-box', controllerId: 'zero', seed: 3, seconds: 0.2, episodes: 1, execNoise: 0.5, out });
    expect(summary).toMatchObject({ controller: 'zero', episodes: 1, steps: 10 });
    const [e] = (await readDemonstrations(out)).episodes;
    expect(e).toMatchObject({ controller: 'zero', execNoise: 0.5 });
    expect(e!.actions.every((a) => a === 0)).toBe(true);
    // Only the noise moved the pusher.
    expect(Math.abs(e!.observations[9 * 6]! - e!.observations[0]!)).toBeGreaterThan(1e-4);
    await expect(recordDemonstrations({ taskId: 'push-box', controllerId: 'zero', seed: 3, seconds: 0.1, episodes: 1, execNoise: 0.5, expert: { controllerId: 'mppi' }, out })).rejects.toThrow(/give one or the other/);
  });

  it('leaves out an episode that never ended (the recording was cut off) and says so', async () => {
    const out = join(dir, 'cut.mcap');
    const recorder = new DemonstrationRecorder(out);
    const start = { seed: 0, task: 'push-box', taskParams: {}, controller: 'mppi', controllerParams: {}, costWeights: {}, controlDt: 0.02, observationSize: 2, actuators: ['a'] };
    recorder.startEpisode({ ...start, episode: 0 });
    recorder.step({ episode: 0, step: 0, time: 0.02, observation: [1, 2], action: [0.5], reward: -1 });
    recorder.endEpisode({ episode: 0, steps: 1, return: -1, success: true, metrics: {} }, 0.02);
    recorder.startEpisode({ ...start, episode: 1, seed: 1 });
    recorder.step({ episode: 1, step: 0, time: 0.02, observation: [3, 4], action: [0.1], reward: -1 });
    recorder.close();
    const demos = await readDemonstrations(out);
    expect(demos.incomplete).toBe(1);
    expect(demos.episodes).toHaveLength(1);
    expect(Array.from(demos.episodes[0]!.observations)).toEqual([1, 2]);
    expect(Array.from(demos.episodes[0]!.actions)).toEqual([0.5]);
  });
});
