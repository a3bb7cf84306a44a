/**
 * The one place that creates ONNX Runtime sessions. It picks the execution provider (GPU where the
 * machine has one, else CPU) and says why it skipped each faster one, sets threads, warms the model up,
 * validates every call's inputs and outputs, and keeps per-model latency statistics.
 *
 * Provider order (docs/architecture.md): cuda, dml, coreml, webgpu — those this platform's binding can have — then
 * cpu. A provider is tried only when the binding lists it; a provider whose library is not installed
 * (CUDA without ONNXRUNTIME_NODE_INSTALL=cuda12) or that cannot start (WebGPU without an adapter) is
 * skipped with the reason. Probing a provider that fails costs a session creation, so the outcome is
 * remembered for the life of the process.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import './ort-telemetry.ts'; // before onnxruntime-node
import * as ort from 'onnxruntime-node';
import { checkFinite, validateFeeds, type TensorLike, type TensorSignature } from './io-validation.ts';

export type ProviderName = 'cuda' | 'dml' | 'coreml' | 'webgpu' | 'cpu';
export const PROVIDERS: readonly ProviderName[] = ['cuda', 'dml', 'coreml', 'webgpu', 'cpu'];

export interface ProviderFallback {
  provider: ProviderName;
  reason: string;
}

/** Which provider a session runs on, and why each one before it in the order was not used. */
export interface ProviderChoice {
  provider: ProviderName;
  fallbacks: ProviderFallback[];
}

export interface RuntimeOptions {
  /** Providers to try, in order (default: `defaultProviderOrder()`). 'cpu' is always the last resort unless `strictProviders`. */
  providers?: ProviderName[];
  /** Fail instead of falling back to CPU when none of `providers` starts. */
  strictProviders?: boolean;
  /** Threads inside one operator (default: ORT's choice, one per core). */
  intraOpThreads?: number;
  /** Threads across independent operators (only used with parallel execution). */
  interOpThreads?: number;
  /**
   * Whether idle intra-op threads spin waiting for work (ORT's default, true). Spinning threads steal a
   * shared CPU from everything else (physics workers, other processes): trainers turn it off.
   */
  allowSpinning?: boolean;
  /** Runs with zero inputs before the first real call (default 3); the statistics start after them. */
  warmupRuns?: number;
  /** Checks every feed's name/shape/dtype against the model (default true). */
  validateInputs?: boolean;
  /** Throws on NaN/Inf outputs (default true). */
  checkOutputs?: boolean;
  /** How many recent call durations the statistics keep (default 1024). */
  latencyWindow?: number;
  /** Name used in messages and statistics (default: the file name). */
  label?: string;
}

/** The default order for a platform: each GPU provider its onnxruntime-node build can have, then CPU. */
export function defaultProviderOrder(platform: NodeJS.Platform = process.platform): ProviderName[] {
  if (platform === 'win32') return ['cuda', 'dml', 'webgpu', 'cpu'];
  if (platform === 'darwin') return ['coreml', 'webgpu', 'cpu'];
  return ['cuda', 'webgpu', 'cpu'];
}

/** Environment variable holding the user's provider order ("webgpu,cpu"); the CLI's `--ep` sets it. */
export const PROVIDER_ENV = 'ACTUATE_EP';

/** Parses a comma-separated provider list, naming any unknown entry. */
export function parseProviders(list: string): ProviderName[] {
  const names = list.split(',').map((p) => p.trim().toLowerCase()).filter(Boolean);
  const unknown = names.filter((p) => !PROVIDERS.includes(p as ProviderName));
  if (unknown.length || !names.length) throw new ModelLoadError(`unknown execution provider${unknown.length > 1 ? 's' : ''} ${unknown.map((p) => `'${p}'`).join(', ') || "''"}; valid: ${PROVIDERS.join(', ')}`);
  return names as ProviderName[];
}

/** The provider order the user asked for (${PROVIDER_ENV}), if any. */
export function userProviderOrder(env: NodeJS.ProcessEnv = process.env): ProviderName[] | undefined {
  const value = env[PROVIDER_ENV];
  return value ? parseProviders(value) : undefined;
}

interface Availability {
  available: boolean;
  reason?: string;
}

/** Whether the binding can start each provider without trying it (listed, and its library present). */
export function providerAvailability(): Record<ProviderName, Availability> {
  const listed = new Map(ort.listSupportedBackends().map((b) => [b.name, b]));
  const binDir = bindingDir();
  const out = {} as Record<ProviderName, Availability>;
  for (const p of PROVIDERS) {
    const entry = listed.get(p);
    if (!entry) {
      out[p] = { available: false, reason: `not in this onnxruntime-node build for ${process.platform}-${process.arch} (it has: ${[...listed.keys()].join(', ')})` };
    } else if (!entry.bundled && p === 'cuda' && binDir && !existsSync(join(binDir, 'libonnxruntime_providers_cuda.so')) && !existsSync(join(binDir, 'onnxruntime_providers_cuda.dll'))) {
      out[p] = { available: false, reason: 'CUDA provider library not installed (reinstall with ONNXRUNTIME_NODE_INSTALL=cuda12 npm rebuild onnxruntime-node --ignore-scripts=false; needs CUDA 12 and cuDNN 9)' };
    } else if (p === 'webgpu' && process.platform === 'linux' && !linuxHasGpuDevice()) {
      // Dawn would only find a software adapter (if any), slower than the CPU provider; skip the probe and its log noise.
      out[p] = { available: false, reason: 'no GPU device on this machine (no /dev/dri or /dev/nvidia*)' };
    } else {
      out[p] = { available: true };
    }
  }
  return out;
}

function linuxHasGpuDevice(): boolean {
  try {
    return existsSync('/dev/dri') || readdirSync('/dev').some((d) => /^nvidia\d/.test(d));
  } catch {
    return true;
  }
}

function bindingDir(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('onnxruntime-node');
    return join(dirname(entry), '..', 'bin', 'napi-v6', process.platform, process.arch);
  } catch {
    return undefined;
  }
}

/** Provider start-up failures seen in this process (a GPU that was absent stays absent). */
const providerFailures = new Map<ProviderName, string>();

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
}

export interface LatencyStats {
  count: number;
  p50Us: number;
  p99Us: number;
  meanUs: number;
  lastUs: number;
}

/** Per-model call durations: a ring of the latest calls for percentiles, plus a running count. */
export class LatencyRecorder {
  private readonly ring: Float64Array;
  private next = 0;
  private filled = 0;
  private total = 0;
  private last = 0;

  constructor(window = 1024) {
    this.ring = new Float64Array(window);
  }

  record(us: number): void {
    this.ring[this.next] = us;
    this.next = (this.next + 1) % this.ring.length;
    this.filled = Math.min(this.filled + 1, this.ring.length);
    this.total++;
    this.last = us;
  }

  reset(): void {
    this.next = this.filled = this.total = this.last = 0;
  }

  stats(): LatencyStats {
    const xs = Array.from(this.ring.subarray(0, this.filled)).sort((a, b) => a - b);
    const pick = (q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))]! : 0);
    return {
      count: this.total,
      p50Us: pick(0.5),
      p99Us: pick(0.99),
      meanUs: xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0,
      lastUs: this.last,
    };
  }
}

export type Feeds = Record<string, ort.Tensor>;
export type Outputs = Record<string, ort.Tensor>;

/** A loaded model: run it, read its signature and latency, dispose it. */
export interface ModelSession {
  readonly label: string;
  readonly provider: ProviderChoice;
  readonly inputs: TensorSignature[];
  readonly outputs: TensorSignature[];
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(feeds: Feeds): Promise<Outputs>;
  /** What the studio shows about a loaded model: file, execution provider, latency. */
  summary(): Record<string, string | number>;
  stats(): LatencyStats;
  resetStats(): void;
  dispose(): Promise<void>;
}

/**
 * What every session does around a call, wherever the model runs: check the feeds against the
 * signature, time the call as its caller waits for it, refuse non-finite outputs.
 */
export abstract class MeasuredSession implements ModelSession {
  abstract readonly inputs: TensorSignature[];
  abstract readonly outputs: TensorSignature[];
  abstract readonly inputNames: readonly string[];
  abstract readonly outputNames: readonly string[];
  private readonly latency: LatencyRecorder;
  protected disposed = false;

  constructor(
    readonly label: string,
    readonly provider: ProviderChoice,
    private readonly options: RuntimeOptions,
  ) {
    this.latency = new LatencyRecorder(options.latencyWindow ?? 1024);
  }

  protected abstract call(feeds: Feeds): Promise<Outputs>;
  abstract dispose(): Promise<void>;

  async run(feeds: Feeds): Promise<Outputs> {
    if (this.disposed) throw new Error(`${this.label}: session used after dispose()`);
    if (this.options.validateInputs !== false) validateFeeds(this.inputs, feeds as Record<string, TensorLike>, this.label);
    const t0 = performance.now();
    const out = await this.call(feeds);
    this.latency.record((performance.now() - t0) * 1000);
    if (this.options.checkOutputs !== false) checkFinite(out as Record<string, TensorLike>, this.label);
    return out;
  }

  summary(): Record<string, string | number> {
    const { count, p50Us, p99Us } = this.latency.stats();
    const skipped = this.provider.fallbacks.map((f) => f.provider).join(', ');
    return {
      model: this.label.split(/[/\\]/).pop() ?? this.label,
      provider: skipped ? `${this.provider.provider} (skipped ${skipped})` : this.provider.provider,
      'latency p50 µs': Math.round(p50Us),
      'latency p99 µs': Math.round(p99Us),
      calls: count,
    };
  }

  stats(): LatencyStats {
    return this.latency.stats();
  }

  resetStats(): void {
    this.latency.reset();
  }
}

/** A model whose ONNX Runtime session lives on this thread. */
class OrtSession extends MeasuredSession {
  readonly inputs: TensorSignature[];
  readonly outputs: TensorSignature[];

  constructor(
    private readonly session: ort.InferenceSession,
    label: string,
    provider: ProviderChoice,
    options: RuntimeOptions,
  ) {
    super(label, provider, options);
    this.inputs = signatures(session.inputMetadata);
    this.outputs = signatures(session.outputMetadata);
  }

  get inputNames(): readonly string[] {
    return this.session.inputNames;
  }

  get outputNames(): readonly string[] {
    return this.session.outputNames;
  }

  protected async call(feeds: Feeds): Promise<Outputs> {
    return (await this.session.run(feeds)) as Outputs;
  }

  /** Runs with zeros shaped by the signature (symbolic dims = `batch`), `runs` times. */
  async warmup(runs: number, batch = 1): Promise<void> {
    const feeds = Object.fromEntries(this.inputs.map((s) => [s.name, zeros(s, batch)]));
    for (let i = 0; i < runs; i++) await this.session.run(feeds);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.session.release();
  }
}

/**
 * Loads a model from a file or bytes on the first provider that starts. A file that is not ONNX gives
 * a ModelLoadError naming the file.
 */
export async function loadModel(source: string | Uint8Array, options: RuntimeOptions = {}): Promise<ModelSession> {
  const label = options.label ?? (typeof source === 'string' ? basename(source) : 'model (in memory)');
  let bytes: Uint8Array;
  if (typeof source === 'string') {
    try {
      // Read on libuv's pool, not this thread: a big model must not stop a session's frames while it loads.
      bytes = await readFile(source);
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      throw new ModelLoadError(e.code === 'ENOENT' ? `model file not found: ${source}` : `cannot read model ${source}: ${e.message}`);
    }
  } else {
    bytes = source;
  }
  const where = typeof source === 'string' ? source : label;
  if (bytes.byteLength === 0) throw new ModelLoadError(`${where}: empty file, not an ONNX model`);

  const order = options.providers?.length ? [...options.providers] : (userProviderOrder() ?? defaultProviderOrder());
  if (!options.strictProviders && !order.includes('cpu')) order.push('cpu');
  const availability = providerAvailability();
  const fallbacks: ProviderFallback[] = [];
  const base: ort.InferenceSession.SessionOptions = {
    graphOptimizationLevel: 'all',
    ...(options.intraOpThreads ? { intraOpNumThreads: options.intraOpThreads } : {}),
    ...(options.interOpThreads ? { interOpNumThreads: options.interOpThreads, executionMode: 'parallel' as const } : {}),
    ...(options.allowSpinning === false ? { extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } } } : {}),
  };
  for (const provider of order) {
    const avail = availability[provider];
    if (!avail.available) {
      fallbacks.push({ provider, reason: avail.reason! });
      continue;
    }
    const failed = providerFailures.get(provider);
    if (failed) {
      fallbacks.push({ provider, reason: failed });
      continue;
    }
    let session: ort.InferenceSession;
    try {
      session = await ort.InferenceSession.create(bytes, { ...base, executionProviders: [provider] });
    } catch (err) {
      const message = (err as Error).message;
      if (isModelProblem(message)) throw new ModelLoadError(`${where}: not a valid ONNX model (${cleanOrtMessage(message)})`);
      const reason = `failed to start: ${cleanOrtMessage(message)}`;
      if (provider !== 'cpu') providerFailures.set(provider, reason);
      fallbacks.push({ provider, reason });
      continue;
    }
    const model = new OrtSession(session, label, { provider, fallbacks }, options);
    const runs = options.warmupRuns ?? 3;
    if (runs > 0) {
      try {
        await model.warmup(runs);
      } catch {
        // Models whose inputs cannot be zero-filled (strings, data-dependent shapes) simply skip warm-up.
      }
    }
    return model;
  }
  throw new ModelLoadError(`${where}: no execution provider could run it: ${fallbacks.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`);
}

function isModelProblem(message: string): boolean {
  return /protobuf parsing failed|Invalid model|ModelProto does not have a graph|Load model .* failed|INVALID_GRAPH|INVALID_PROTOBUF|Unsupported model IR version|opset/i.test(message);
}

function cleanOrtMessage(message: string): string {
  // ORT prefixes messages with its source location and failed assertion; keep the sentence a user can act on.
  const assertion = /was false\. (.*)$/s.exec(message);
  if (assertion) return assertion[1]!.trim();
  return message.replace(/^\/onnxruntime_src\/\S+ /, '').replace(/\s+/g, ' ').trim();
}

function signatures(meta: readonly ort.InferenceSession.ValueMetadata[]): TensorSignature[] {
  return meta.map((m) => (m.isTensor ? { name: m.name, shape: [...m.shape], dtype: m.type } : { name: m.name, shape: [], dtype: 'non-tensor' }));
}

function zeros(sig: TensorSignature, batch: number): ort.Tensor {
  const dims = sig.shape.map((d) => (typeof d === 'number' && d >= 0 ? d : batch));
  const n = dims.reduce((a, b) => a * b, 1);
  switch (sig.dtype) {
    case 'int64':
      return new ort.Tensor('int64', new BigInt64Array(n), dims);
    case 'int32':
      return new ort.Tensor('int32', new Int32Array(n), dims);
    case 'float64':
      return new ort.Tensor('float64', new Float64Array(n), dims);
    case 'bool':
      return new ort.Tensor('bool', new Uint8Array(n), dims);
    default:
      return new ort.Tensor('float32', new Float32Array(n), dims);
  }
}

/** A float32 tensor (the usual policy input). */
export function float32Tensor(data: Float32Array | ArrayLike<number>, dims: number[]): ort.Tensor {
  return new ort.Tensor('float32', data instanceof Float32Array ? data : Float32Array.from(data), dims);
}

/** An int64 tensor from plain numbers (timesteps, indices). */
export function int64Tensor(values: ArrayLike<number>, dims: number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(Array.from(values), (v) => BigInt(Math.round(v))), dims);
}

/** A tensor of the dtype a signature declares, from plain numbers (used by `policy run` and timestep inputs). */
export function tensorFor(sig: TensorSignature, values: ArrayLike<number>, dims: number[]): ort.Tensor {
  switch (sig.dtype) {
    case 'int64':
      return int64Tensor(values, dims);
    case 'int32':
      return new ort.Tensor('int32', Int32Array.from(values), dims);
    case 'float64':
      return new ort.Tensor('float64', Float64Array.from(values), dims);
    case 'float32':
      return float32Tensor(values, dims);
    default:
      throw new Error(`input '${sig.name}' has dtype ${sig.dtype}, which Actuate cannot build from numbers`);
  }
}

export { ort };
