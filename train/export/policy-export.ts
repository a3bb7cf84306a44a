/**
 * The trained actor as a deployable policy: `policy.onnx` taking the model card's observation and
 * returning the Gaussian's mean action, with the angle features and the observation normalisation
 * inside the graph, and the card `onnx-policy` reads (models/model-card.ts).
 */
import { CARD_SCHEMA_VERSION, parseModelCard, type ModelCard } from '../../models/model-card.ts';
import { addMlp, GraphBuilder, type DenseLayer } from '../../models/onnx-builder.ts';
import { layerShapes, type ActorCriticSpec, type ParamTensor } from '../actor-critic.ts';
import type { PolicyLayout } from '../policy-layout.ts';

export interface ExportedPolicy {
  onnx: Uint8Array;
  card: ModelCard;
}

export interface Provenance {
  task: string;
  taskParams: Record<string, unknown>;
  algorithm: string;
  envSteps: number;
  wallSeconds: number;
  seed: number;
  metrics: Record<string, number>;
}

/** The actor's dense layers in the builder's format, from the learner's parameters. */
export function actorLayers(spec: ActorCriticSpec, params: ParamTensor[]): DenseLayer[] {
  const byName = new Map(params.map((p) => [p.name, p.data]));
  const shapes = layerShapes(spec, 'actor');
  return shapes.map((l, i) => ({
    inSize: l.inSize,
    outSize: l.outSize,
    weight: byName.get(l.weight)!,
    bias: byName.get(l.bias)!,
    activation: i + 1 < shapes.length ? 'elu' : 'none',
  }));
}

export function exportPolicy(spec: ActorCriticSpec, layout: PolicyLayout, params: ParamTensor[], normalizer: { mean: ArrayLike<number>; std: ArrayLike<number>; clip: number }, provenance: Provenance, name = 'policy'): ExportedPolicy {
  const g = new GraphBuilder('policy');
  const obs = g.input('obs', ['batch', layout.obsDim]);
  let features = obs;
  if (layout.angleIndices.length) {
    const plain = Array.from({ length: layout.obsDim }, (_, i) => i).filter((i) => !layout.angleIndices.includes(i));
    const angles = g.op('Gather', [obs, g.int64s('angle_idx', layout.angleIndices)], { axis: { i: 1 } });
    const parts = [...(plain.length ? [g.op('Gather', [obs, g.int64s('plain_idx', plain)], { axis: { i: 1 } })] : []), g.op('Cos', [angles]), g.op('Sin', [angles])];
    features = g.op('Concat', parts, { axis: { i: 1 } });
  }
  const mean = g.constant('obs_mean', Float32Array.from(normalizer.mean), [layout.featureDim]);
  const std = g.constant('obs_std', Float32Array.from(normalizer.std), [layout.featureDim]);
  const clip = normalizer.clip;
  const normalized = g.op('Min', [g.op('Max', [g.op('Div', [g.op('Sub', [features, mean]), std]), g.constant('clip_lo', Float32Array.of(-clip), [])]), g.constant('clip_hi', Float32Array.of(clip), [])]);
  const mu = addMlp(g, normalized, actorLayers(spec, params), 'actor');
  g.output(mu, 'actions', ['batch', layout.actionDim]);
  const onnx = g.toBytes({ docString: `Actuate PPO policy for ${provenance.task}` });
  const card = parseModelCard(
    {
      schemaVersion: CARD_SCHEMA_VERSION,
      name,
      description: `PPO policy for ${provenance.task}, trained by Actuate on this machine.`,
      kind: 'policy',
      model: `${name}.onnx`,
      inputs: [{ name: 'obs', shape: ['batch', layout.obsDim], dtype: 'float32', description: 'the observation terms below, unnormalised' }],
      outputs: [{ name: 'actions', shape: ['batch', layout.actionDim], dtype: 'float32', description: 'mean of the Gaussian policy (raw, before clip and scale)' }],
      policy: layout.policy,
      provenance: {
        source: 'trained here',
        license: 'Apache-2.0',
        trainedWith: `Actuate ${provenance.algorithm.toUpperCase()} (ONNX Runtime learner)`,
        notes: JSON.stringify({ ...provenanceNotes(provenance), network: { actor: spec.actorHidden, critic: spec.criticHidden, activation: 'elu' }, metrics: provenance.metrics }),
      },
    },
    `${name}.card.json`,
  );
  return { onnx, card };
}

/** How a trained model came to be, as its card's notes record it (the network and metrics follow). */
export function provenanceNotes(p: Provenance): Record<string, unknown> {
  return { task: p.task, taskParams: p.taskParams, algorithm: p.algorithm, envSteps: p.envSteps, wallSeconds: Math.round(p.wallSeconds), seed: p.seed };
}
