/**
 * Records demonstrations for imitation learning to MCAP: per episode a start marker (task, controller,
 * their settings, seed, sizes) and an end marker (steps, return, success, metrics), and per control
 * step the observation the policy will see, the action applied after it and the step's reward. JSON
 * with schemas, so Foxglove plots them (`/demo/step.action[0]`) and read-demonstrations.ts reads them.
 *
 * Time: episodes follow each other on the file's timeline, one second apart, each on its own
 * simulated clock, so a plot shows them side by side.
 */
import { FlushingMcapWriter } from './flushing-mcap-writer.ts';
import { numberMap, numbers, topic, type JsonTopicSpec } from './recording-topics.ts';

export const DEMONSTRATION_PROFILE = 'actuate-demonstrations';

export const DEMONSTRATION_TOPICS = {
  episode: topic('/demo/episode', 'actuate.DemoEpisode', {
    type: 'object',
    properties: {
      phase: { enum: ['start', 'end'] }, episode: { type: 'integer' }, seed: { type: 'integer' },
      task: { type: 'string' }, taskParams: { type: 'object' }, controller: { type: 'string' }, controllerParams: { type: 'object' }, expert: { type: 'string' }, execNoise: { type: 'number' },
      costWeights: numberMap, controlDt: { type: 'number' }, observationSize: { type: 'integer' }, actuators: { type: 'array', items: { type: 'string' } },
      steps: { type: 'integer' }, return: { type: 'number' }, success: { type: 'boolean' }, metrics: numberMap, error: { type: 'string' },
    },
  }, 'episode markers: settings at the start; steps, return, success and metrics at the end'),
  step: topic('/demo/step', 'actuate.DemoStep', {
    type: 'object',
    properties: { episode: { type: 'integer' }, step: { type: 'integer' }, time: { type: 'number' }, observation: numbers, action: numbers, reward: { type: 'number' } },
  }, 'each control step: the observation the controller acted on, the action applied, the reward (−cost·dt)'),
} as const satisfies Record<string, JsonTopicSpec>;

export interface DemoEpisodeStart {
  episode: number;
  seed: number;
  task: string;
  taskParams: Record<string, unknown>;
  controller: string;
  controllerParams: Record<string, unknown>;
  /** The controller whose actions the steps hold, when another one drove (DAgger labels). */
  expert?: string;
  /** The σ of the noise the controller's actions were executed with while its clean ones were recorded (DART). */
  execNoise?: number;
  costWeights: Record<string, number>;
  controlDt: number;
  observationSize: number;
  /** Actuator names, in action order. */
  actuators: string[];
}

export interface DemoEpisodeEnd {
  episode: number;
  steps: number;
  return: number;
  success: boolean;
  metrics: Record<string, number>;
  error?: string;
}

export interface DemoStep {
  episode: number;
  step: number;
  time: number;
  observation: number[];
  action: number[];
  reward: number;
}

export class DemonstrationRecorder {
  private readonly writer: FlushingMcapWriter;
  private readonly channels: Record<keyof typeof DEMONSTRATION_TOPICS, number>;
  private readonly encoder = new TextEncoder();
  private readonly startNs = BigInt(Date.now()) * 1_000_000n;
  /** Where the current episode starts on the file's timeline (s). */
  private offset = 0;
  private lastTime = 0;

  constructor(path: string) {
    this.writer = new FlushingMcapWriter(path, { profile: DEMONSTRATION_PROFILE });
    const register = (spec: JsonTopicSpec) => {
      const schemaId = this.writer.registerSchema({ name: spec.schemaName, encoding: 'jsonschema', data: this.encoder.encode(JSON.stringify(spec.schema)) });
      return this.writer.registerChannel({ topic: spec.topic, schemaId, messageEncoding: 'json', metadata: new Map([['description', spec.description]]) });
    };
    this.channels = { episode: register(DEMONSTRATION_TOPICS.episode), step: register(DEMONSTRATION_TOPICS.step) };
  }

  get path(): string {
    return this.writer.path;
  }

  startEpisode(start: DemoEpisodeStart): void {
    this.offset = this.lastTime === 0 ? 0 : this.lastTime + 1;
    this.write('episode', 0, { phase: 'start', ...start });
  }

  step(step: DemoStep): void {
    this.write('step', step.time, step);
  }

  endEpisode(end: DemoEpisodeEnd, time: number): void {
    this.write('episode', time, { phase: 'end', ...end });
  }

  /** Writes the index; the file is complete when this returns. */
  close(): void {
    this.writer.close();
  }

  private write(channel: keyof typeof DEMONSTRATION_TOPICS, time: number, message: object): void {
    const t = this.offset + time;
    this.lastTime = Math.max(this.lastTime, t);
    const now = BigInt(Date.now()) * 1_000_000n;
    this.writer.addMessage({ channelId: this.channels[channel], sequence: 0, logTime: this.startNs + BigInt(Math.round(t * 1e9)), publishTime: now, data: this.encoder.encode(JSON.stringify(message)) });
  }
}
