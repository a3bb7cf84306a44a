import { describe, expect, it } from 'vitest';
import type { DemoEpisodeData } from './demo-dataset.ts';
import { relabelWithPositionTargets } from './position-targets.ts';

/**
 * Observation [x, y, 7] along a smooth path; the commands are exactly a PD toward the entry's value
 * `lead` steps ahead (kp 4 / 2, kd 1.5 / 0.5), plus, for y, noise the fit cannot explain.
 */
function episodes(lead: number, noise = 0): DemoEpisodeData[] {
  return [0.3, 1.1].map((phase) => {
    const steps = 40;
    const path = (c: number) => [Math.sin(phase + 0.1 * Math.min(c, steps - 1)), Math.cos(2 * phase + 0.07 * Math.min(c, steps - 1))];
    const observations = new Float32Array(steps * 3);
    const actions = new Float32Array(steps * 2);
    for (let c = 0; c < steps; c++) {
      const [x, y] = path(c);
      observations.set([x!, y!, 7], c * 3);
      const [px, py] = c === 0 ? [x!, y!] : path(c - 1);
      const [tx, ty] = path(c + lead);
      actions[c * 2] = 4 * (tx! - x!) - 1.5 * (x! - px!);
      actions[c * 2 + 1] = 2 * (ty! - y!) - 0.5 * (y! - py!) + noise * Math.sin(37 * c + phase);
    }
    return { steps, observations, actions };
  });
}

describe('position-target relabelling', () => {
  it('labels every step with the tracked entries `lead` steps ahead and fits the PD that explains the commands', () => {
    const demos = episodes(3);
    const { episodes: relabelled, tracking } = relabelWithPositionTargets(demos, 3, 2, { observation: [0, 1], lead: 3 });
    const e = relabelled[0]!;
    expect(e.actions[10 * 2]).toBeCloseTo(demos[0]!.observations[13 * 3]!, 6);
    expect(e.actions[10 * 2 + 1]).toBeCloseTo(demos[0]!.observations[13 * 3 + 1]!, 6);
    // Past the end the last observation is the target (the episode's final pose is held).
    expect(e.actions[39 * 2]).toBeCloseTo(demos[0]!.observations[39 * 3]!, 6);
    expect(e.observations).toBe(demos[0]!.observations);
    expect(tracking.kp[0]).toBeCloseTo(4, 4);
    expect(tracking.kd[0]).toBeCloseTo(1.5, 4);
    expect(tracking.kp[1]).toBeCloseTo(2, 4);
    expect(tracking.kd[1]).toBeCloseTo(0.5, 4);
    expect(tracking.r2[0]).toBeCloseTo(1, 6);
    // Commands with a part no PD explains: the fit says how much of them it explains.
    const noisy = relabelWithPositionTargets(episodes(3, 0.05), 3, 2, { observation: [0, 1], lead: 3 }).tracking;
    expect(noisy.r2[0]).toBeCloseTo(1, 6);
    expect(noisy.r2[1]).toBeLessThan(0.99);
    expect(noisy.r2[1]).toBeGreaterThan(0.3);
  });

  it('refuses entries that cannot be tracked, saying which and why', () => {
    const demos = episodes(2);
    expect(() => relabelWithPositionTargets(demos, 3, 2, { observation: [0], lead: 2 })).toThrow('1 observation entries given, the actions have 2 dimensions');
    expect(() => relabelWithPositionTargets(demos, 3, 2, { observation: [0, 3], lead: 2 })).toThrow("observation entry 3 is not one of the observation's 3 entries (0 … 2)");
    expect(() => relabelWithPositionTargets(demos, 3, 2, { observation: [0, 1], lead: 0 })).toThrow('lead must be a whole number of control steps ≥ 1, got 0');
    expect(() => relabelWithPositionTargets(demos, 3, 2, { observation: [0, 2], lead: 2 })).toThrow('observation entry 2 does not move in the demonstrations');
    // Commands that push away from where the entry goes: wrong entry for the actuator.
    const reversed = demos.map((e) => ({ ...e, actions: e.actions.map((a) => -a) }));
    expect(() => relabelWithPositionTargets(reversed, 3, 2, { observation: [0, 1], lead: 2 })).toThrow("actuator 0's commands do not push observation entry 0 toward its future value");
  });
});

describe('position targets of expert-labelled episodes (DAgger)', () => {
  it('are the targets for which the tracking PD gives the expert’s command, with the gains fitted on the expert’s own episodes', () => {
    const driven = episodes(3);
    // The learner went elsewhere (a slower path); the expert's labels there are arbitrary commands.
    const steps = 20;
    const observations = new Float32Array(steps * 3);
    const actions = new Float32Array(steps * 2);
    for (let c = 0; c < steps; c++) {
      observations.set([0.02 * c, -0.01 * c * c, 7], c * 3);
      actions.set([Math.sin(c), Math.cos(3 * c)], c * 2);
    }
    const labelled = { steps, observations, actions, expert: 'mppi' };
    const { episodes: relabelled, tracking } = relabelWithPositionTargets([...driven, labelled], 3, 2, { observation: [0, 1], lead: 3 });
    // Gains as without the labelled episode: it did not take part in the fit.
    expect(tracking.kp[0]).toBeCloseTo(4, 4);
    expect(tracking.kd[1]).toBeCloseTo(0.5, 4);
    // Tracking each relabelled target from the state it labels gives back the expert's command.
    const targets = relabelled[2]!.actions;
    for (const c of [0, 7, 19]) {
      for (const k of [0, 1]) {
        const x = observations[c * 3 + k]!;
        const velocity = c === 0 ? 0 : x - observations[(c - 1) * 3 + k]!;
        expect(tracking.kp[k]! * (targets[c * 2 + k]! - x) - tracking.kd[k]! * velocity).toBeCloseTo(actions[c * 2 + k]!, 4);
      }
    }
    expect(() => relabelWithPositionTargets([labelled], 3, 2, { observation: [0, 1], lead: 3 })).toThrow('every episode is expert-labelled');
  });
});
