/**
 * `actuate record --episodes N`: runs N headless episodes (seeds S … S+N−1) of a task under a
 * controller — an MPC expert, a policy, anything — and records each as a demonstration: the
 * observation the task gives learned policies (`task.observe`, what `diffusion-policy` conditions on)
 * at every control step, the action applied after it, the reward, and the episode's outcome.
 *
 * With `expert`, the controller drives and the expert labels (control/expert-labels.ts, DAgger): the
 * recorded action is the expert's answer for the observation, not the action applied.
 *
 * With `execNoise` σ (DART), the controller's actions are executed with Gaussian noise and its clean
 * actions recorded (control/execution-noise.ts): the demonstrations then show its corrections from the
 * states a slightly-off policy reaches.
 *
 * One session runs every episode (reset with the next seed), so planner workers start once.
 */
import { DemonstrationRecorder } from '../bridges/recording/demonstration-recorder.ts';
import { episodeSessionOptions, type EpisodeSpec } from './run-episode.ts';
import { findController } from '../control/registry.ts';
import { withExecutionNoise } from '../control/execution-noise.ts';
import { withExpertLabels } from '../control/expert-labels.ts';
import { Session, type PhysicsEngine } from './session.ts';

export interface RecordDemonstrationsOptions extends EpisodeSpec {
  episodes: number;
  /** The MCAP file to write. */
  out: string;
  engine?: PhysicsEngine;
  /** Records this controller's actions (with its settings) instead of the applied ones. */
  expert?: { controllerId: string; params?: Record<string, unknown> };
  /** Executes the controller's actions with this much Gaussian noise (fraction of each actuator's half range) and records its clean ones (DART). */
  execNoise?: number;
  /** Called after every episode. */
  onEpisode?: (episode: EpisodeOutcome) => void;
}

export interface EpisodeOutcome {
  index: number;
  seed: number;
  steps: number;
  return: number;
  success: boolean;
  metrics: Record<string, number>;
  error?: string;
}

export interface DemonstrationsSummary {
  path: string;
  task: string;
  controller: string;
  /** The controller whose actions were recorded, when not the one that drove. */
  expert?: string;
  episodes: number;
  successes: number;
  steps: number;
  wallSeconds: number;
}

export async function recordDemonstrations(options: RecordDemonstrationsOptions): Promise<DemonstrationsSummary> {
  const { episodes, out, onEpisode, engine, expert, execNoise, ...spec } = options;
  if (expert && execNoise !== undefined) throw new Error('execution noise (DART) records the driving controller\'s clean actions; with an expert labelling (DAgger) give one or the other');
  let label: Float64Array | undefined;
  const onLabel = (a: Float64Array) => (label = a);
  const expertDef = expert && findController(expert.controllerId);
  const lookup = expertDef
    ? (id: string) => withExpertLabels(findController(id), { expert: expertDef, expertParams: expert?.params ?? {}, onLabel })
    : execNoise !== undefined
      ? (id: string) => withExecutionNoise(findController(id), { sigma: execNoise, onLabel })
      : findController;
  const labelled = expertDef !== undefined || execNoise !== undefined;
  const session = await Session.create({ ...episodeSessionOptions(spec, engine), findController: lookup });
  const recorder = new DemonstrationRecorder(out);
  const wall0 = performance.now();
  let successes = 0;
  let steps = 0;
  // The session reports a step after taking it: the action was chosen on the previous step's state.
  let observation: number[] = [];
  let episode = 0;
  let step = 0;
  const unsubscribe = session.onStep((sample) => {
    const action = labelled ? label : sample.action;
    if (!action) throw new Error(`${expertDef ? `expert '${expertDef.id}'` : 'the controller'} gave no label for step ${step}`);
    label = undefined;
    recorder.step({ episode, step: step++, time: sample.time, observation, action: Array.from(action), reward: -sample.cost * session.task.timing.controlDt });
    observation = Array.from(session.task.observe(sample.state));
  });
  try {
    for (episode = 0; episode < episodes; episode++) {
      const seed = spec.seed + episode;
      if (episode > 0) await session.reset(seed);
      const { task } = session;
      const snapshot = session.snapshot();
      observation = Array.from(task.observe(session.currentState()));
      step = 0;
      recorder.startEpisode({
        episode,
        seed,
        task: snapshot.task.id,
        taskParams: snapshot.task.values,
        controller: snapshot.controller.id,
        controllerParams: snapshot.controller.values,
        ...(expertDef ? { expert: expertDef.id } : {}),
        ...(execNoise !== undefined ? { execNoise } : {}),
        costWeights: Object.fromEntries(snapshot.task.costTerms.map((t) => [t.name, t.weight])),
        controlDt: task.timing.controlDt,
        observationSize: observation.length,
        actuators: task.scene.actuators.map((a) => a.name),
      });
      await session.runFor(spec.seconds ?? task.timing.episodeSeconds);
      const { success, metrics } = session.result();
      const error = session.snapshot().error;
      const outcome: EpisodeOutcome = { index: episode, seed, steps: session.controlSteps, return: round(session.return), success: success && !error, metrics, ...(error ? { error } : {}) };
      recorder.endEpisode({ episode, steps: outcome.steps, return: outcome.return, success: outcome.success, metrics, ...(error ? { error } : {}) }, session.simTime);
      if (outcome.success) successes++;
      steps += outcome.steps;
      onEpisode?.(outcome);
    }
    return { path: out, task: spec.taskId, controller: session.snapshot().controller.id, ...(expertDef ? { expert: expertDef.id } : {}), episodes, successes, steps, wallSeconds: round((performance.now() - wall0) / 1000) };
  } finally {
    unsubscribe();
    recorder.close();
    await session.dispose();
  }
}

function round(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
