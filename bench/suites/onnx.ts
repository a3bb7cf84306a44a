/**
 * Neural-controller benchmarks, all through models/runtime.ts on whatever execution provider it picks:
 *   ort-mlp-batch1-latency-us        one policy call (48-256-256-12 ELU MLP), median µs
 *   ort-mlp-batch1024-samples-per-s  the same MLP at batch 1024
 *   diffusion-chunk-latency-ms       one action chunk: DDIM 10 steps, horizon 16 (MLP denoiser)
 *   wm-mpc-action-ms-default         TD-MPC2 planner at its defaults on a TD-MPC2 5M-sized model
 *   wm-mpc-action-ms-realtime        the same model at a setting chosen to run at ≥ 50 Hz
 * The networks have random weights: inference time depends on sizes, not values.
 */
import { DiffusionSampler } from '../../control/diffusion/sampler.ts';
import { createScheduler } from '../../control/diffusion/schedulers.ts';
import { OnnxLatentModel, type LatentModelFiles } from '../../control/world-model/latent-model.ts';
import { LATENT_MPPI_PARAMS, LatentMppi } from '../../control/world-model/latent-mppi.ts';
import { GraphBuilder, addMlp, mlpModel, randomMlpLayers, type Activation } from '../../models/onnx-builder.ts';
import { float32Tensor, loadModel, type ModelSession } from '../../models/runtime.ts';
import { defaults, type ParamValues } from '../../sim/params.ts';
import { Random } from '../../sim/random.ts';
import { median, round, type BenchResult, type BenchSuite } from '../result.ts';

const random = new Random(42);
const uniform = () => random.uniform();

function providerDetails(model: ModelSession): Record<string, unknown> {
  return { provider: model.provider.provider, fallbacks: model.provider.fallbacks };
}

async function mlpBenchmarks(): Promise<BenchResult[]> {
  const sizes = [48, 256, 256, 12];
  const layers = randomMlpLayers(sizes, 'elu', uniform);
  const parameters = layers.reduce((n, l) => n + l.weight.length + l.bias.length, 0);
  const model = await loadModel(mlpModel(layers), { label: 'mlp-48-256-256-12', warmupRuns: 20 });
  const one = { obs: float32Tensor(Float32Array.from({ length: 48 }, () => random.normal()), [1, 48]) };
  // Batch 1: 5 rounds of 1000 calls; the median round mean is the figure (each call includes validation and NaN check).
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 1000; i++) await model.run(one);
    rounds.push(((performance.now() - t0) * 1000) / 1000);
  }
  const stats = model.stats();
  const batch = 1024;
  const big = { obs: float32Tensor(Float32Array.from({ length: 48 * batch }, () => random.normal()), [batch, 48]) };
  for (let i = 0; i < 5; i++) await model.run(big);
  const times: number[] = [];
  for (let r = 0; r < 30; r++) {
    const t0 = performance.now();
    await model.run(big);
    times.push(performance.now() - t0);
  }
  const perBatchMs = median(times);
  await model.dispose();
  const details = { ...providerDetails(model), layers: sizes.join('-'), activation: 'elu', parameters };
  return [
    { name: 'ort-mlp-batch1-latency-us', value: round(median(rounds), 1), unit: 'µs', details: { ...details, p50Us: round(stats.p50Us, 1), p99Us: round(stats.p99Us, 1), calls: stats.count } },
    { name: 'ort-mlp-batch1024-samples-per-s', value: Math.round((batch / perBatchMs) * 1000), unit: 'samples/s', details: { ...details, batch, batchMs: round(perBatchMs, 3) } },
  ];
}

/**
 * An MLP denoiser: [flatten(sample), t/T, cond] → 512 → 512 → horizon·A. Diffusion Policy's Conv1D U-Net
 * (~250 M parameters) is a different class of cost; this is the size a CPU policy would use.
 */
function mlpDenoiser(horizon: number, actionDim: number, condDim: number, trainSteps: number): { bytes: Uint8Array; parameters: number } {
  const g = new GraphBuilder('mlp-denoiser');
  const x = g.input('sample', ['batch', horizon, actionDim]);
  const t = g.input('timestep', ['batch'], 'int64');
  const cond = g.input('global_cond', ['batch', condDim]);
  const flat = g.op('Reshape', [x, g.int64s('flatShape', [-1, horizon * actionDim])]);
  const tf = g.op('Mul', [g.op('Reshape', [g.op('Cast', [t], { to: { i: 1 } }), g.int64s('tShape', [-1, 1])]), g.constant('invT', [1 / trainSteps], [1])]);
  const input = g.op('Concat', [flat, tf, cond], { axis: { i: 1 } });
  const layers = randomMlpLayers([horizon * actionDim + 1 + condDim, 512, 512, horizon * actionDim], 'elu' as Activation, uniform);
  const y = addMlp(g, input, layers, 'denoiser');
  g.output(g.op('Reshape', [y, g.int64s('outShape', [-1, horizon, actionDim])]), 'noise_pred', ['batch', horizon, actionDim]);
  return { bytes: g.toBytes(), parameters: layers.reduce((n, l) => n + l.weight.length + l.bias.length, 0) };
}

async function diffusionBenchmark(): Promise<BenchResult[]> {
  const horizon = 16;
  const actionDim = 7;
  const obsHorizon = 2;
  const obsDim = 20;
  const { bytes, parameters } = mlpDenoiser(horizon, actionDim, obsHorizon * obsDim, 100);
  const model = await loadModel(bytes, { label: 'mlp-denoiser', warmupRuns: 10 });
  const sampler = new DiffusionSampler(model, { sample: 'sample', timestep: 'timestep', condition: 'global_cond', output: 'noise_pred' }, { horizon, actionDim, conditionDim: obsHorizon * obsDim });
  const scheduler = createScheduler('ddim', { trainTimesteps: 100, betaSchedule: 'squaredcos_cap_v2', betaStart: 1e-4, betaEnd: 0.02, predictionType: 'epsilon', clipSample: true, clipSampleRange: 1 });
  const cond = Float32Array.from({ length: obsHorizon * obsDim }, () => random.normal());
  const noise = () => random.normal();
  for (let i = 0; i < 10; i++) await sampler.sample(cond, 1, scheduler, 10, noise);
  const times: number[] = [];
  for (let i = 0; i < 200; i++) {
    const t0 = performance.now();
    await sampler.sample(cond, 1, scheduler, 10, noise);
    times.push(performance.now() - t0);
  }
  await model.dispose();
  return [
    {
      name: 'diffusion-chunk-latency-ms',
      value: round(median(times), 3),
      unit: 'ms',
      details: { ...providerDetails(model), scheduler: 'ddim', inferenceSteps: 10, horizon, actionDim, obsHorizon, obsDim, denoiser: 'MLP 153-512-512-112 ELU', parameters, p99Ms: round([...times].sort((a, b) => a - b)[Math.floor(0.99 * times.length)]!, 3) },
    },
  ];
}

/** TD-MPC2's 5M configuration: latent 512, MLPs 512 wide, encoder 256, 5 Q heads (ELU instead of LayerNorm+Mish). */
function tdmpc2Models(obsDim: number, actionDim: number): { files: LatentModelFiles; parameters: number } {
  const L = 512;
  let parameters = 0;
  const mlp = (name: string, sizes: number[], act: Activation, za: boolean, heads = 1, tanhOut = false): Uint8Array => {
    const g = new GraphBuilder(name);
    let x: string;
    if (za) {
      const z = g.input('z', ['batch', L]);
      const a = g.input('action', ['batch', actionDim]);
      x = g.op('Concat', [z, a], { axis: { i: 1 } });
    } else x = g.input(name === 'encoder' ? 'obs' : 'z', ['batch', sizes[0]!]);
    const outs: string[] = [];
    for (let h = 0; h < heads; h++) {
      const layers = randomMlpLayers(sizes, act, uniform);
      parameters += layers.reduce((n, l) => n + l.weight.length + l.bias.length, 0);
      outs.push(addMlp(g, x, layers, `${name}${h}`));
    }
    let y = heads > 1 ? g.op('Concat', outs, { axis: { i: 1 } }) : outs[0]!;
    if (tanhOut) y = g.op('Tanh', [y]);
    if (name === 'reward') y = g.op('Reshape', [y, g.int64s('flat', [-1])]);
    g.output(y, 'out');
    return g.toBytes();
  };
  const files: LatentModelFiles = {
    encoder: mlp('encoder', [obsDim, 256, L], 'elu', false),
    dynamics: mlp('dynamics', [L + actionDim, 512, 512, L], 'elu', true),
    reward: mlp('reward', [L + actionDim, 512, 512, 1], 'elu', true),
    q: mlp('q', [L + actionDim, 512, 512, 1], 'elu', true, 5),
    policy: mlp('policy', [L, 512, 512, actionDim], 'elu', false, 1, true),
  };
  return { files, parameters };
}

/** The realtime setting: TD-MPC2's horizon and policy prior, fewer samples and iterations. */
export const WM_REALTIME: ParamValues = { horizon: 3, iterations: 2, samples: 32, elites: 8, policyTrajectories: 4 };

async function worldModelBenchmarks(): Promise<BenchResult[]> {
  const obsDim = 24;
  const actionDim = 6;
  const { files, parameters } = tdmpc2Models(obsDim, actionDim);
  const model = await OnnxLatentModel.load(files, { warmupRuns: 3, label: 'tdmpc2-5m' });
  const planner = new LatentMppi(model);
  const obs = Float32Array.from({ length: obsDim }, () => random.normal());
  const provider = providerDetails(model.sessions()[1]!);
  const results: BenchResult[] = [];
  for (const [name, overrides, repeats, target] of [
    ['wm-mpc-action-ms-default', {}, 5, undefined],
    ['wm-mpc-action-ms-realtime', WM_REALTIME, 40, '<= 20'],
  ] as const) {
    const settings = { ...defaults(LATENT_MPPI_PARAMS), ...overrides };
    planner.reset(0);
    await planner.plan(obs, settings);
    const times: number[] = [];
    let calls = 0;
    for (let i = 0; i < repeats; i++) {
      const t0 = performance.now();
      calls = (await planner.plan(obs, settings)).modelCalls;
      times.push(performance.now() - t0);
    }
    const ms = median(times);
    results.push({
      name,
      value: round(ms, 2),
      unit: 'ms',
      ...(target ? { target } : {}),
      details: { ...provider, settings, hz: round(1000 / ms, 1), modelCallsPerAction: calls, model: 'TD-MPC2 5M sizes (latent 512, MLP 512, 5 Q heads), ELU, random weights', parameters, obsDim, actionDim },
    });
  }
  await model.dispose();
  return results;
}

export const onnxInference: BenchSuite = {
  name: 'onnx',
  async run() {
    return [...(await mlpBenchmarks()), ...(await diffusionBenchmark()), ...(await worldModelBenchmarks())];
  },
};
