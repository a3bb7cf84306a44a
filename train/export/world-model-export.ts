/**
 * The trained world model as the five ONNX files `world-model-mpc` runs (control/world-model/
 * latent-model.ts) and its card:
 *
 *   encoder.onnx   obs [B, D] → z [B, L]
 *   dynamics.onnx  z [B, L], action [B, A] → z_next [B, L]
 *   reward.onnx    z, action → reward [B, 1]
 *   q.onnx         z, action → q [B, K] (the online heads)
 *   policy.onnx    z → action = tanh(μ) [B, A], std = σ·(1 − tanh² μ) [B, A]
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

export const WORLD_MODEL_FILES = ['encoder', 'dynamics', 'reward', 'q', 'policy'] as const;
export type WorldModelFile = (typeof WORLD_MODEL_FILES)[number];

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

export function exportWorldModel(params: ParamTensor[], options: WorldModelExportOptions): ExportedWorldModel {
  const { spec, provenance } = options;
  const name = options.name ?? 'world-model';
  const byName = new Map(params.map((p) => [p.name, p]));
  /** A graph holding `nets`' trained weights as constants. */
  const graph = (label: string, nets: WorldModelNet[]) => {
    const w = new WorldModelGraph(new GraphOps(label, 'float32'), spec);
    for (const s of parameterShapesOf(spec, nets)) w.o.g.constant(s.name, byName.get(s.name)!.data, s.dims);
    return w;
  };
  const zaInputs = (w: WorldModelGraph) => w.concat(w.o.input('z', ['batch', spec.latentDim]), w.o.input('action', ['batch', spec.actionDim]));
  const doc = (what: string) => ({ docString: `Actuate TD-MPC2 world model for ${provenance.task}: ${what}` });

  const enc = graph('encoder', ['encoder']);
  enc.o.output(enc.encode(enc.o.input('obs', ['batch', spec.obsDim])).z, 'z', ['batch', spec.latentDim]);

  const dyn = graph('dynamics', ['dynamics']);
  dyn.o.output(dyn.o.op('Tanh', [forwardMlp(dyn.o, dyn.layers('dynamics'), zaInputs(dyn)).out]), 'z_next', ['batch', spec.latentDim]);

  const rew = graph('reward', ['reward']);
  rew.o.output(forwardMlp(rew.o, rew.layers('reward'), zaInputs(rew)).out, 'reward', ['batch', 1]);

  const q = graph('q', qNets(spec));
  const za = zaInputs(q);
  const heads = qNets(spec).map((net) => forwardMlp(q.o, q.layers(net), za).out);
  q.o.output(heads.length === 1 ? heads[0]! : q.o.op('Concat', heads, { axis: { i: 1 } }), 'q', ['batch', spec.qHeads]);

  const pol = graph('policy', ['policy']);
  const pi = pol.policy(pol.o.input('z', ['batch', spec.latentDim]));
  const mean = pol.o.op('Tanh', [pi.mu]);
  pol.o.output(mean, 'action', ['batch', spec.actionDim]);
  pol.o.output(pol.o.mul(pol.o.exp(pi.logStd), pol.o.sub(pol.o.k(1), pol.o.square(mean))), 'std', ['batch', spec.actionDim]);

  const files: Record<WorldModelFile, Uint8Array> = {
    encoder: enc.o.g.toBytes(doc('encoder h(obs) → z')),
    dynamics: dyn.o.g.toBytes(doc('latent dynamics d(z, a) → z′')),
    reward: rew.o.g.toBytes(doc('reward R(z, a)')),
    q: q.o.g.toBytes(doc(`Q ensemble of ${spec.qHeads}`)),
    policy: pol.o.g.toBytes(doc('policy prior π(z)')),
  };
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
        trainedWith: 'Actuate TD-MPC2-style world-model learning (one-step horizon, ONNX Runtime learner)',
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
