/**
 * A training run's folder: metrics.jsonl (one JSON object per iteration), checkpoint.json (network,
 * Adam moments, normalisers, counters — everything `--resume` needs) and the latest export,
 * policy.onnx + policy.card.json. Files are replaced atomically (write, then rename), so a crash or
 * Ctrl-C mid-write leaves the previous checkpoint intact.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActorCriticSpec, ParamTensor } from './actor-critic.ts';
import type { ExportedPolicy } from './export/policy-export.ts';
import { WORLD_MODEL_FILES, type ExportedWorldModel } from './export/world-model-export.ts';
import { checkState } from './learner/learner.ts';
import { checkWorldModelState } from './learner/world-model-learner.ts';
import type { WorldModelCheckpoint } from './world-model/world-model-trainer.ts';
import type { Checkpoint } from './ppo/runner.ts';

export const CHECKPOINT_FILE = 'checkpoint.json';
const CHECKPOINT_VERSION = 1;

export class RunDirError extends Error {
  override name = 'RunDirError';
}

/** Creates the folder if needed and proves it is writable; throws naming it otherwise. */
export function prepareRunDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = join(dir, '.write-test');
    writeFileSync(probe, '');
    unlinkSync(probe);
  } catch (err) {
    throw new RunDirError(`--out ${dir}: cannot write there (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

export function appendMetrics(dir: string, metrics: object): void {
  appendFileSync(join(dir, 'metrics.jsonl'), `${JSON.stringify(metrics)}\n`);
}

function writeAtomic(file: string, data: string | Uint8Array): void {
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, data);
  renameSync(tmp, file);
}

export function writeExport(dir: string, exported: ExportedPolicy): void {
  mkdirSync(dir, { recursive: true });
  writeAtomic(join(dir, `${exported.card.name}.onnx`), exported.onnx);
  writeAtomic(join(dir, `${exported.card.name}.card.json`), `${JSON.stringify(exported.card, null, 2)}\n`);
}

/** The world model's five .onnx files, then its card (the card last: a card on disk names files that exist). */
export function writeWorldModelExport(dir: string, exported: ExportedWorldModel): void {
  const models = exported.card.worldModel!.models;
  for (const f of WORLD_MODEL_FILES) writeAtomic(join(dir, models[f]), exported.files[f]);
  writeAtomic(join(dir, `${exported.card.name}.card.json`), `${JSON.stringify(exported.card, null, 2)}\n`);
}

const b64 = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

export function writeCheckpoint(dir: string, c: Checkpoint): void {
  const tensors = c.learner.params.map((p, i) => ({ name: p.name, dims: p.dims, param: b64(p.data), m: b64(c.learner.m[i]!.data), v: b64(c.learner.v[i]!.data) }));
  writeAtomic(join(dir, CHECKPOINT_FILE), JSON.stringify({ version: CHECKPOINT_VERSION, ...c, learner: { steps: c.learner.steps, tensors } }));
}

/** Reads and checks a checkpoint; every problem names the file and the field. */
export function readCheckpoint(dir: string): Checkpoint {
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) throw new RunDirError(`--resume ${dir}: no ${CHECKPOINT_FILE} there`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new RunDirError(`${file}: not valid JSON (${(err as Error).message}); the checkpoint is corrupt`);
  }
  const fail = (field: string, why: string): never => {
    throw new RunDirError(`${file}: ${field}: ${why}`);
  };
  if (raw.version !== CHECKPOINT_VERSION) fail('version', `expected ${CHECKPOINT_VERSION}, got ${JSON.stringify(raw.version)}`);
  if (raw.algorithm !== undefined && raw.algorithm !== 'ppo') fail('algorithm', `this run trained with --algo ${String(raw.algorithm)}; resume it with that`);
  for (const key of ['taskId', 'spec', 'learner', 'normalizer', 'rewardScale', 'learningRate', 'iteration', 'envSteps', 'wallSeconds', 'seed']) {
    if (raw[key] === undefined) fail(key, 'missing');
  }
  if (raw.episodeSeconds !== undefined && !(typeof raw.episodeSeconds === 'number' && raw.episodeSeconds > 0)) fail('episodeSeconds', `expected a positive number, got ${JSON.stringify(raw.episodeSeconds)}`);
  if (raw.stepsPerEnv !== undefined && !(Number.isInteger(raw.stepsPerEnv) && (raw.stepsPerEnv as number) > 0)) fail('stepsPerEnv', `expected a whole number ≥ 1, got ${JSON.stringify(raw.stepsPerEnv)}`);
  if (raw.randomize !== undefined && typeof raw.randomize !== 'boolean') fail('randomize', `expected true or false, got ${JSON.stringify(raw.randomize)}`);
  if (raw.learningRateSchedule !== undefined && raw.learningRateSchedule !== 'fixed') fail('learningRateSchedule', `expected "fixed" or no entry (adaptive), got ${JSON.stringify(raw.learningRateSchedule)}`);
  const cont = raw.continuation as { envs?: unknown; features?: unknown } | undefined;
  if (cont !== undefined && !(Array.isArray(cont.envs) && Array.isArray(cont.features))) fail('continuation', 'expected the environments (envs) and network inputs (features) as arrays');
  const spec = raw.spec as ActorCriticSpec;
  const learner = raw.learner as { steps: number; tensors: { name: string; dims: number[]; param: string; m: string; v: string }[] };
  if (!Array.isArray(learner.tensors)) fail('learner.tensors', 'missing');
  const decode = (s: string, at: string): Float32Array => {
    if (typeof s !== 'string') fail(at, 'missing');
    const bytes = Buffer.from(s, 'base64');
    if (bytes.byteLength % 4) fail(at, `${bytes.byteLength} bytes is not a whole number of float32 values`);
    return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  };
  const take = (key: 'param' | 'm' | 'v'): ParamTensor[] => learner.tensors.map((t, i) => ({ name: t.name, dims: t.dims, data: decode(t[key], `learner.tensors[${i}].${key}`) }));
  const state = { params: take('param'), m: take('m'), v: take('v'), steps: learner.steps };
  try {
    checkState(spec, state);
  } catch (err) {
    fail('learner', (err as Error).message);
  }
  return { ...(raw as unknown as Checkpoint), learner: state };
}

/**
 * A world-model run's checkpoint, in the same checkpoint.json (version, then the run as JSON) with
 * `algorithm: 'world-model'`; every Float32Array (parameters, moments, the replay buffer) is stored
 * as {"float32": base64}.
 */
export function writeWorldModelCheckpoint(dir: string, c: WorldModelCheckpoint): void {
  writeAtomic(join(dir, CHECKPOINT_FILE), JSON.stringify({ version: CHECKPOINT_VERSION, ...c }, (_, v: unknown) => (v instanceof Float32Array ? { float32: b64(v) } : v)));
}

export function readWorldModelCheckpoint(dir: string): WorldModelCheckpoint {
  const file = join(dir, CHECKPOINT_FILE);
  if (!existsSync(file)) throw new RunDirError(`--resume ${dir}: no ${CHECKPOINT_FILE} there`);
  const fail = (field: string, why: string): never => {
    throw new RunDirError(`${file}: ${field}: ${why}`);
  };
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'), (_, v: unknown) => {
      const packed = v as { float32?: unknown } | null;
      if (typeof packed !== 'object' || packed === null || typeof packed.float32 !== 'string') return v;
      const bytes = Buffer.from(packed.float32, 'base64');
      if (bytes.byteLength % 4) throw new Error(`${bytes.byteLength} bytes is not a whole number of float32 values`);
      return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    }) as Record<string, unknown>;
  } catch (err) {
    throw new RunDirError(`${file}: not valid (${(err as Error).message}); the checkpoint is corrupt`);
  }
  if (raw.version !== CHECKPOINT_VERSION) fail('version', `expected ${CHECKPOINT_VERSION}, got ${JSON.stringify(raw.version)}`);
  if (raw.algorithm !== 'world-model') fail('algorithm', `this run trained with --algo ${String(raw.algorithm ?? 'ppo')}; resume it with that`);
  for (const key of ['options', 'spec', 'learner', 'buffer', 'envSteps', 'iteration', 'wallSeconds', 'qScale', 'random', 'recent']) {
    if (raw[key] === undefined) fail(key, 'missing');
  }
  const c = raw as unknown as WorldModelCheckpoint;
  try {
    checkWorldModelState(c.spec, c.learner);
  } catch (err) {
    fail('learner', (err as Error).message);
  }
  return c;
}
