/**
 * Reads the demonstrations `actuate record --episodes N` wrote (demonstration-recorder.ts) back into
 * arrays: per complete episode its settings, outcome, and the observation, action and reward of every
 * control step. Problems name the file and what is wrong; an episode cut off by a crash (a start
 * marker without its end) is left out and counted, the rest of the file still reads.
 */
import { access } from 'node:fs/promises';
import { DEMONSTRATION_TOPICS, type DemoEpisodeEnd, type DemoEpisodeStart, type DemoStep } from './demonstration-recorder.ts';
import { readRecording } from './read-recording.ts';

export interface DemonstrationEpisode {
  episode: number;
  seed: number;
  controller: string;
  controllerParams: Record<string, unknown>;
  /** Set when the actions are this expert's labels, not what `controller` applied. */
  expert?: string;
  /** Set when the actions were executed with this much noise and the clean ones recorded (DART). */
  execNoise?: number;
  success: boolean;
  return: number;
  steps: number;
  /** [steps × obsDim], row-major. */
  observations: Float32Array;
  /** [steps × actionDim], row-major. */
  actions: Float32Array;
  rewards: Float32Array;
}

export interface Demonstrations {
  path: string;
  task: string;
  taskParams: Record<string, unknown>;
  obsDim: number;
  actionDim: number;
  controlDt: number;
  actuators: string[];
  episodes: DemonstrationEpisode[];
  /** Episodes with a start but no end marker (the recording was cut off). */
  incomplete: number;
}

export class DemonstrationsError extends Error {
  override name = 'DemonstrationsError';
}

export async function readDemonstrations(path: string): Promise<Demonstrations> {
  try {
    await access(path);
  } catch (err) {
    throw new DemonstrationsError(`${path}: cannot read the demonstrations (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  const recording = await readRecording(path).catch((err: Error) => {
    throw new DemonstrationsError(`${path}: not a readable MCAP file (${err.message})`);
  });
  const fail = (why: string): never => {
    throw new DemonstrationsError(`${path}: ${why}`);
  };
  const starts = new Map<number, DemoEpisodeStart>();
  const ends = new Map<number, DemoEpisodeEnd>();
  const steps = new Map<number, DemoStep[]>();
  for (const m of recording.messages) {
    if (m.topic === DEMONSTRATION_TOPICS.episode.topic) {
      const marker = m.data as ({ phase: 'start' } & DemoEpisodeStart) | ({ phase: 'end' } & DemoEpisodeEnd);
      if (marker.phase === 'start') starts.set(marker.episode, marker);
      else ends.set(marker.episode, marker);
    } else if (m.topic === DEMONSTRATION_TOPICS.step.topic) {
      const s = m.data as DemoStep;
      let list = steps.get(s.episode);
      if (!list) steps.set(s.episode, (list = []));
      list.push(s);
    }
  }
  if (starts.size === 0) fail(`no demonstration episodes (no ${DEMONSTRATION_TOPICS.episode.topic} messages); record some with \`actuate record --task T --episodes N --out FILE.mcap\``);
  const first = [...starts.values()][0]!;
  const obsDim = first.observationSize;
  const actionDim = first.actuators.length;
  const episodes: DemonstrationEpisode[] = [];
  let incomplete = 0;
  for (const [index, start] of [...starts].sort((a, b) => a[0] - b[0])) {
    if (start.task !== first.task) fail(`episode ${index} is of task '${start.task}', episode ${first.episode} of '${first.task}'; one file holds one task`);
    if (JSON.stringify(start.taskParams) !== JSON.stringify(first.taskParams)) fail(`episode ${index} has task parameters ${JSON.stringify(start.taskParams)}, episode ${first.episode} ${JSON.stringify(first.taskParams)}; one file holds one task setting`);
    const end = ends.get(index);
    if (!end) {
      incomplete++;
      continue;
    }
    const list = (steps.get(index) ?? []).sort((a, b) => a.step - b.step);
    const observations = new Float32Array(list.length * obsDim);
    const actions = new Float32Array(list.length * actionDim);
    const rewards = new Float32Array(list.length);
    list.forEach((s, k) => {
      if (s.step !== k) fail(`episode ${index}: step ${k} is missing (the next one is ${s.step})`);
      if (s.observation.length !== obsDim) fail(`episode ${index}, step ${k}: ${s.observation.length} observation values, the episode declares ${obsDim}`);
      if (s.action.length !== actionDim) fail(`episode ${index}, step ${k}: ${s.action.length} action values, the task has ${actionDim} actuators`);
      observations.set(s.observation, k * obsDim);
      actions.set(s.action, k * actionDim);
      rewards[k] = s.reward;
    });
    episodes.push({ episode: index, seed: start.seed, controller: start.controller, controllerParams: start.controllerParams, ...(start.expert ? { expert: start.expert } : {}), ...(start.execNoise !== undefined ? { execNoise: start.execNoise } : {}), success: end.success, return: end.return, steps: list.length, observations, actions, rewards });
  }
  return { path, task: first.task, taskParams: first.taskParams, obsDim, actionDim, controlDt: first.controlDt, actuators: first.actuators, episodes, incomplete };
}
