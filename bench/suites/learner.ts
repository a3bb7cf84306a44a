/**
 * The PPO learner (train/learner): one training step — forward, hand-derived backward, grad-norm clip,
 * Adam — of rsl_rl's actor-critic 48→256→128→64 (ELU, 12 actions) on minibatches of 4096, as one
 * ONNX graph on ONNX Runtime's CPU kernels, with spinning off:
 *   learner-samples-per-s      minibatch samples per wall second (target ≥ 80,000 on 2 cores)
 *   learner-gemm-efficiency    the step's GFLOP/s over ORT's own 1024³ MatMul GFLOP/s, measured
 *                              alternately in the same run with the same thread settings (target ≥ 0.5)
 */
import { GraphBuilder } from '../../models/onnx-builder.ts';
import { float32Tensor, loadModel } from '../../models/runtime.ts';
import { Random } from '../../sim/random.ts';
import { initParameters, type ActorCriticSpec } from '../../train/actor-critic.ts';
import { freshLearnerState, Learner, type Minibatch } from '../../train/learner/learner.ts';
import { stepFlopsPerSample } from '../../train/learner/ppo-step-graph.ts';
import { median, round, type BenchResult, type BenchSuite } from '../result.ts';

const SPEC: ActorCriticSpec = { obsDim: 48, actionDim: 12, actorHidden: [256, 128, 64], criticHidden: [256, 128, 64], initNoiseStd: 1 };
const BATCH = 4096;
const MATMUL = 1024;

async function run(): Promise<BenchResult[]> {
  const threads = 2;
  const random = new Random(1);
  const learner = await Learner.create(SPEC, freshLearnerState(initParameters(SPEC, random)), { threads });
  const f = (k: number, s = 1) => Float32Array.from({ length: k }, () => s * random.normal());
  const batch: Minibatch = { size: BATCH, obs: f(BATCH * 48), actions: f(BATCH * 12), oldLogProb: f(BATCH, 0.1), advantages: f(BATCH), returns: f(BATCH), oldValues: f(BATCH), oldMu: f(BATCH * 12, 0.1), oldLogStd: new Float32Array(12) };
  const hyper = { learningRate: 1e-4, clipParam: 0.2, valueCoef: 1, entropyCoef: 0.01, maxGradNorm: 1 };
  const g = new GraphBuilder('matmul');
  g.output(g.op('MatMul', [g.input('a', [MATMUL, MATMUL]), g.input('b', [MATMUL, MATMUL])]), 'c', [MATMUL, MATMUL]);
  const matmul = await loadModel(g.toBytes(), { providers: ['cpu'], warmupRuns: 2, intraOpThreads: threads, allowSpinning: false, validateInputs: false, checkOutputs: false });
  const feeds = { a: float32Tensor(f(MATMUL * MATMUL), [MATMUL, MATMUL]), b: float32Tensor(f(MATMUL * MATMUL), [MATMUL, MATMUL]) };
  for (let i = 0; i < 3; i++) await learner.step(batch, hyper);
  // Alternate the two so a neighbour's load on the shared machine hits both alike.
  const stepMs: number[] = [];
  const matmulMs: number[] = [];
  const cpu0 = process.cpuUsage();
  let stepWall = 0;
  for (let r = 0; r < 12; r++) {
    let t0 = performance.now();
    await learner.step(batch, hyper);
    stepMs.push(performance.now() - t0);
    stepWall += stepMs.at(-1)!;
    t0 = performance.now();
    await matmul.run(feeds);
    matmulMs.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  await learner.dispose();
  await matmul.dispose();
  const flops = stepFlopsPerSample(SPEC) * BATCH;
  const stepGflops = flops / (median(stepMs) / 1000) / 1e9;
  const matmulGflops = (2 * MATMUL ** 3) / (median(matmulMs) / 1000) / 1e9;
  const cpuShare = (cpu.user + cpu.system) / 1000 / (stepWall + matmulMs.reduce((a, b) => a + b, 0));
  const details = { network: '48-256-128-64 ELU actor and critic, 12 actions', batch: BATCH, threads, allowSpinning: false, stepMsMedian: round(median(stepMs), 2), stepGflops: round(stepGflops, 1), matmulGflops: round(matmulGflops, 1), cpuSecondsPerWallSecond: round(cpuShare, 2), samplesPerCpuSecond: Math.round(BATCH / (median(stepMs) / 1000) / cpuShare), note: 'on a shared machine the wall figure falls with the CPU share this process got; samplesPerCpuSecond does not' };
  return [
    { name: 'learner-samples-per-s', value: Math.round(BATCH / (median(stepMs) / 1000)), unit: 'samples/s', target: '>= 80000', details },
    { name: 'learner-gemm-efficiency', value: round(stepGflops / matmulGflops, 3), unit: 'ratio', target: '>= 0.5', details },
  ];
}

export const learnerThroughput: BenchSuite = { name: 'learner', run };
