/**
 * The trained world model as the six ONNX files `world-model-mpc` runs (control/world-model/
 * latent-model.ts) and its card:
 *
 *   encoder.onnx   obs [B, D] → z [B, L]
 *   dynamics.onnx  z [B, L], action [B, A] → z_next [B, L]
 *   reward.onnx    z, action → reward [B, 1]
 *   q.onnx         z, action → q [B, K] (the online heads)
 *   policy.onnx    z → action = tanh(μ) [B, A], std = σ·(1 − tanh² μ) [B, A]
 *   value.onnx     z [B, L], action [3, B, A], noise [B, A], discount → the planner's value of B
 *                  3-step action sequences in one call (rolloutValueGraph)
 *
 * The policy's std is the squashed Gaussian's spread to first order (tanh′(μ)·σ), since the planner
 * samples the prior as mean + std·N(0, 1) clamped to [−1, 1].
 */
import { CARD_SCHEMA_VERSION, parseModelCard, type ModelCard } from '../../models/model-card.ts';
import type { ParamTensor } from '../actor-critic.ts';
import { GraphOps } from '../learner/graph-ops.ts';
import { WorldModelGraph } from '../learner/world-model-step-graph.ts';
import { forwardMlp } from '../learner/mlp-graph.ts';
import { parameterShapesOf, qNets, type WorldModelNet, type WorldModelNetSpec } from '../world-model/world-model-net.ts';
import { provenanceNotes, type Provenance } from './policy-export.ts';

/** The latent model's five functions, then the planner's one-call value (rolloutValueGraph). */
export const LATENT_MODEL_FILES = ['encoder', 'dynamics', 'reward', 'q', 'policy'] as const;
export const WORLD_MODEL_FILES = [...LATENT_MODEL_FILES, 'value'] as const;
export type LatentModelFile = (typeof LATENT_MODEL_FILES)[number];
export type WorldModelFile = (typeof WORLD_MODEL_FILES)[number];
/** The horizon the exported value graph plans over (world-model-mpc's default); other horizons plan with the five functions. */
export const EXPORTED_VALUE_HORIZON = 3;

export interface ExportedWorldModel {
  files: Record<WorldModelFile, Uint8Array>;
  card: ModelCard;
}

export interface WorldModelExportOptions {
  spec: WorldModelNetSpec;
  discount: number;
  /** The actuator range the [−1, 1] actions were mapped onto in training. */
  actionLow: number[];
  actionHigh: number[];
  provenance: Provenance & { hyper: Record<string, number> };
  name?: string;
}

/**
 * The five graphs. With `weights`, the trained weights are constants inside them (the export); without,
 * each graph takes its networks' parameters as inputs named after them, after its data inputs (the
 * trainer plans with the live parameters this way).
 */
export function latentModelGraphs(spec: WorldModelNetSpec, task: string, weights?: ParamTensor[]): Record<LatentModelFile, Uint8Array> {
  const byName = new Map((weights ?? []).map((p) => [p.name, p]));
  /** A graph over `nets`: its data inputs first (`inputs`), then the parameters, then `body` on the inputs. */
  const graph = <T>(file: LatentModelFile, nets: WorldModelNet[], what: string, inputs: (w: WorldModelGraph) => T, body: (w: WorldModelGraph, x: T) => void) => {
    const w = new WorldModelGraph(new GraphOps(file, 'float32'), spec);
    const x = inputs(w);
    for (const s of parameterShapesOf(spec, nets)) {
      if (!weights) w.o.input(s.name, s.dims);
      else w.o.g.constant(s.name, byName.get(s.name)!.data, s.dims);
    }
    body(w, x);
    return w.o.g.toBytes({ docString: `Actuate TD-MPC2 world model for ${task}: ${what}` });
  };
  const obs = (w: WorldModelGraph) => w.o.input('obs', ['batch', spec.obsDim]);
  const z = (w: WorldModelGraph) => w.o.input('z', ['batch', spec.latentDim]);
  const za = (w: WorldModelGraph) => [z(w), w.o.input('action', ['batch', spec.actionDim])] as const;
  return {
    encoder: graph('encoder', ['encoder'], 'encoder h(obs) → z', obs, (w, x) => w.o.output(w.encode(x).z, 'z', ['batch', spec.latentDim])),
    dynamics: graph('dynamics', ['dynamics'], 'latent dynamics d(z, a) → z′', za, (w, [zi, a]) => w.o.output(w.o.op('Tanh', [forwardMlp(w.o, w.layers('dynamics'), w.concat(zi, a)).out]), 'z_next', ['batch', spec.latentDim])),
    reward: graph('reward', ['reward'], 'reward R(z, a)', za, (w, [zi, a]) => w.o.output(forwardMlp(w.o, w.layers('reward'), w.concat(zi, a)).out, 'reward', ['batch', 1])),
    q: graph('q', qNets(spec), `Q ensemble of ${spec.qHeads}`, za, (w, [zi, a]) => {
      const x = w.concat(zi, a);
      const heads = qNets(spec).map((net) => forwardMlp(w.o, w.layers(net), x).out);
      w.o.output(heads.length === 1 ? heads[0]! : w.o.op('Concat', heads, { axis: { i: 1 } }), 'q', ['batch', spec.qHeads]);
    }),
    policy: graph('policy', ['policy'], 'policy prior π(z)', z, (w, zi) => {
      const pi = w.policy(zi);
      const mean = w.o.op('Tanh', [pi.mu]);
      w.o.output(mean, 'action', ['batch', spec.actionDim]);
      w.o.output(w.o.mul(w.o.exp(pi.logStd), w.o.sub(w.o.k(1), w.o.square(mean))), 'std', ['batch', spec.actionDim]);
    }),
  };
}

/**
 * The planner's value estimate of N action sequences as one graph (one call per MPPI iteration instead
 * of 2H + 2, control/world-model/latent-mppi.ts):
 *   G = Σ_t γᵗ R(z_t, a_t) + γᴴ Q(z_H, a_H),  z_{t+1} = d(z_t, a_t),  a_H = clamp(π mean + π std · noise, −1, 1)
 * Inputs z [N, L], action [H, N, A], noise [N, A], discount []; outputs value_mean (Q averaged over the
 * heads) and value_min (their minimum), [N, 1]. Weights as in latentModelGraphs.
 */
export function rolloutValueGraph(spec: WorldModelNetSpec, horizon: number, weights?: ParamTensor[]): Uint8Array {
  const w = new WorldModelGraph(new GraphOps('rollout_value', 'float32'), spec);
  const o = w.o;
  let z = o.input('z', ['batch', spec.latentDim]);
  const actions = o.input('action', [horizon, 'batch', spec.actionDim]);
  const noise = o.input('noise', ['batch', spec.actionDim]);
  const discount = o.input('discount', []);
  const byName = new Map((weights ?? []).map((p) => [p.name, p]));
  for (const s of parameterShapesOf(spec, ['dynamics', 'reward', 'policy', ...qNets(spec)])) {
    if (!weights) o.input(s.name, s.dims);
    else o.g.constant(s.name, byName.get(s.name)!.data, s.dims);
  }
  let value = '';
  let scale = o.k(1);
  for (let t = 0; t < horizon; t++) {
    const za = w.concat(z, w.step(actions, t));
    const r = o.mul(scale, forwardMlp(o, w.layers('reward'), za).out);
    value = value ? o.add(value, r) : r;
    z = o.op('Tanh', [forwardMlp(o, w.layers('dynamics'), za).out]);
    scale = o.mul(scale, discount);
  }
  const pi = w.policy(z);
  const mean = o.op('Tanh', [pi.mu]);
  const std = o.mul(o.exp(pi.logStd), o.sub(o.k(1), o.square(mean)));
  const aH = o.clamp(o.add(mean, o.mul(std, noise)), o.k(-1), o.k(1));
  const zaH = w.concat(z, aH);
  const heads = qNets(spec).map((net) => forwardMlp(o, w.layers(net), zaH).out);
  const sum = heads.reduce((a, b) => o.add(a, b));
  const min = heads.reduce((a, b) => o.min(a, b));
  o.output(o.add(value, o.mul(scale, o.mul(sum, o.k(1 / heads.length)))), 'value_mean', ['batch', 1]);
  o.output(o.add(value, o.mul(scale, min)), 'value_min', ['batch', 1]);
  return o.g.toBytes({ docString: `Actuate TD-MPC2 world model: the value of ${horizon}-step action sequences` });
}

export function exportWorldModel(params: ParamTensor[], options: WorldModelExportOptions): ExportedWorldModel {
  const { spec, provenance } = options;
  const name = options.name ?? 'world-model';
  const files = { ...latentModelGraphs(spec, provenance.task, params), value: rolloutValueGraph(spec, EXPORTED_VALUE_HORIZON, params) };
  const fileName = (f: WorldModelFile) => `${name}.${f}.onnx`;
  const card = parseModelCard(
    {
      schemaVersion: CARD_SCHEMA_VERSION,
      name,
      description: `TD-MPC2-style world model for ${provenance.task}, trained by Actuate on this machine (${provenance.envSteps} environment steps). Run it with world-model-mpc.`,
      kind: 'world-model',
      inputs: [{ name: 'obs', shape: ['batch', spec.obsDim], dtype: 'float32', description: "the task's observation (encoder input)" }],
      outputs: [{ name: 'action', shape: ['batch', spec.actionDim], dtype: 'float32', description: 'policy prior mean in [−1, 1], mapped onto actionLow … actionHigh' }],
      worldModel: {
        latentDim: spec.latentDim,
        actionDim: spec.actionDim,
        obsDim: spec.obsDim,
        models: Object.fromEntries(WORLD_MODEL_FILES.map((f) => [f, fileName(f)])) as Record<WorldModelFile, string>,
        discount: options.discount,
        actionLow: options.actionLow,
        actionHigh: options.actionHigh,
      },
      provenance: {
        source: 'trained here',
        license: 'Apache-2.0',
        trainedWith: `Actuate TD-MPC2-style world-model learning (${provenance.hyper.horizon ?? 1}-step latent rollout loss, ${provenance.hyper.planning ? 'planning' : 'the policy prior acting'} while collecting, ONNX Runtime learner)`,
        notes: JSON.stringify({
          ...provenanceNotes(provenance),
          network: { latentDim: spec.latentDim, hidden: spec.hidden, activation: 'elu', qHeads: spec.qHeads },
          hyper: provenance.hyper,
          metrics: provenance.metrics,
        }),
      },
    },
    `${name}.card.json`,
  );
  return { files, card };
}
