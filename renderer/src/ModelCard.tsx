import { useEffect, useState } from 'react';
import type { ModelCardView, ModelDescription, TensorFacts } from '../../protocol/models.ts';
import type { ParamSpec, ParamValues } from '../../protocol/params.ts';
import { useEngine, useStore } from './use-engine.ts';

/** The model and card files the active controller's settings name (the first of each kind that is set). */
export function controllerFiles(params: readonly ParamSpec[], values: ParamValues): { model?: string; card?: string } {
  const first = (kind: 'onnx' | 'card') => {
    for (const p of params) {
      const v = values[p.key];
      if (p.kind === 'text' && p.file === kind && typeof v === 'string' && v.trim()) return v.trim();
    }
    return undefined;
  };
  const model = first('onnx');
  const card = first('card');
  return { ...(model ? { model } : {}), ...(card ? { card } : {}) };
}

interface Described {
  key: string;
  description?: ModelDescription;
  error?: string;
}

/**
 * What the active controller runs: the model card (name, kind, inputs and outputs, and for policies
 * the joint order, observation terms, action, PD gains, rates; provenance), the model file's own facts,
 * and, live from telemetry, the execution provider and latency. A file that is not a model, or a card
 * that does not validate, shows its error here; the rest of the studio carries on.
 */
export function ModelCard() {
  const store = useStore();
  const { snapshot, telemetry, connection } = useEngine();
  const files = snapshot ? controllerFiles(snapshot.controller.params, snapshot.controller.values) : {};
  const key = files.model || files.card ? `${files.model ?? ''}\n${files.card ?? ''}` : '';
  const [described, setDescribed] = useState<Described>();
  useEffect(() => {
    if (!key || connection !== 'connected') return;
    let live = true;
    const [model, card] = key.split('\n');
    const params = model ? { path: model, ...(card ? { card } : {}) } : { path: card! };
    store.request('describeModel', params).then(
      (description) => live && setDescribed({ key, description }),
      (err: Error) => live && setDescribed({ key, error: err.message }),
    );
    return () => {
      live = false;
    };
  }, [store, key, connection]);
  const current = described?.key === key && key ? described : undefined;
  const runtime = telemetry?.controller;
  if (!key && !runtime) return null;
  return (
    <section className="section model-card" data-testid="model-card">
      <h3>Model card</h3>
      {key && !current && <p className="muted">Reading {baseName(files.model ?? files.card ?? '')}…</p>}
      {current?.error && (
        <p className="card-error" data-testid="model-card-error">
          {current.error}
        </p>
      )}
      {current?.description && <Description description={current.description} />}
      {runtime && (
        <dl className="model-info" data-testid="controller-info">
          {Object.entries(runtime).map(([name, value]) => (
            <div key={name}>
              <dt>{name}</dt>
              <dd>{value}</dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}

function Description({ description }: { description: ModelDescription }) {
  const { model, card, cardFile, cardError, modelError, mismatches } = description;
  return (
    <>
      {card ? (
        <div className="card-head">
          <b data-testid="model-card-name">{card.name}</b> <span className="card-kind">{card.kind}</span>
          {card.description && <p className="muted card-description">{card.description}</p>}
        </div>
      ) : (
        <p className="muted">{cardError ? 'The card could not be read:' : 'No model card found (none beside the model as <name>.card.json, none in a cards/ folder naming it).'}</p>
      )}
      {cardError && (
        <p className="card-error" data-testid="model-card-error">
          {cardError}
        </p>
      )}
      {modelError && (
        <p className="card-error" data-testid="model-card-error">
          {modelError}
        </p>
      )}
      {mismatches.length > 0 && (
        <ul className="card-error" data-testid="model-card-mismatch">
          {mismatches.map((m) => (
            <li key={m}>{m}</li>
          ))}
        </ul>
      )}
      <Facts
        rows={[
          ['model', model ? `${baseName(model.file)} · ${formatBytes(model.bytes)}` : card?.model],
          ['card', cardFile ? baseName(cardFile) : undefined],
          ['producer', model ? `${model.producer || '(none)'}${model.producerVersion ? ` ${model.producerVersion}` : ''}` : undefined],
          ['opset', model?.opsets.map((o) => (o.domain === 'ai.onnx' ? String(o.version) : `${o.domain} ${o.version}`)).join(', ')],
          ['parameters', model ? model.parameterCount.toLocaleString('en-US') : undefined],
        ]}
      />
      <Tensors title="Inputs" testId="model-card-inputs" tensors={model?.inputs ?? card?.inputs ?? []} declared={card?.inputs} />
      <Tensors title="Outputs" testId="model-card-outputs" tensors={model?.outputs ?? card?.outputs ?? []} declared={card?.outputs} />
      {card?.policy && <Policy policy={card.policy} />}
      {card?.diffusion && (
        <Facts
          title="Diffusion"
          rows={[
            ['horizon / obs / executed', `${card.diffusion.horizon} / ${card.diffusion.obsHorizon} / ${card.diffusion.actionSteps}`],
            ['action / obs size', `${card.diffusion.actionDim} / ${card.diffusion.obsDim}`],
            ['schedule', `${card.diffusion.betaSchedule}, ${card.diffusion.trainTimesteps} steps, predicts ${card.diffusion.predictionType}`],
          ]}
        />
      )}
      {card?.worldModel && (
        <Facts
          title="World model"
          rows={[
            ['latent / action / obs', `${card.worldModel.latentDim} / ${card.worldModel.actionDim} / ${card.worldModel.obsDim}`],
            ['discount', String(card.worldModel.discount)],
            ...Object.entries(card.worldModel.models).map(([part, file]): [string, string] => [part, file]),
          ]}
        />
      )}
      {card && (
        <Facts
          title="Provenance"
          rows={[
            ['source', card.provenance.source],
            ['license', card.provenance.license],
            ['trained with', card.provenance.trainedWith],
            ['commit', card.provenance.commit?.slice(0, 12)],
          ]}
        />
      )}
    </>
  );
}

function Policy({ policy }: { policy: NonNullable<ModelCardView['policy']> }) {
  const { observation, action, pd, rates } = policy;
  return (
    <>
      <h4>Joint order ({policy.joints.length})</h4>
      <ol className="card-joints" data-testid="model-card-joints">
        {policy.joints.map((j) => (
          <li key={j}>{j}</li>
        ))}
      </ol>
      <h4>Observation terms{observation.input ? ` → ${observation.input}` : ''}</h4>
      <table className="card-table" data-testid="model-card-terms">
        <thead>
          <tr>
            <th>term</th>
            <th>size</th>
            <th>scale</th>
            <th>history</th>
          </tr>
        </thead>
        <tbody>
          {observation.terms.map((t, i) => (
            <tr key={`${t.name}-${i}`}>
              <td>{t.name}</td>
              <td>{t.size}</td>
              <td>{compact(t.scale)}</td>
              <td>{t.history}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Facts
        title="Action"
        rows={[
          ['type', Array.isArray(action.type) ? counts(action.type) : action.type],
          ['scale', compact(action.scale)],
          ['offset', typeof action.offset === 'string' ? action.offset : compact(action.offset)],
          ['clip', action.clip ? (Array.isArray(action.clip) ? `[${action.clip.join(', ')}]` : 'per joint') : undefined],
          ['servo stiffness (kp)', compact(pd.stiffness)],
          ['servo damping (kv)', compact(pd.servoDamping)],
          ['joint damping', pd.jointDamping ? compact(pd.jointDamping) : undefined],
          ['torque limit', pd.torqueLimit ? compact(pd.torqueLimit) : undefined],
          ['armature', pd.armature ? compact(pd.armature) : undefined],
          ['rates', `control ${rates.controlHz} Hz · physics ${rates.physicsHz} Hz`],
        ]}
      />
    </>
  );
}

function Tensors({ title, testId, tensors, declared }: { title: string; testId: string; tensors: TensorFacts[]; declared?: TensorFacts[] | undefined }) {
  if (!tensors.length) return null;
  return (
    <>
      <h4>{title}</h4>
      <table className="card-table" data-testid={testId}>
        <tbody>
          {tensors.map((t) => (
            <tr key={t.name} title={t.description ?? declared?.find((d) => d.name === t.name)?.description}>
              <td>{t.name}</td>
              <td className="shape">[{t.shape.join(', ')}]</td>
              <td>{t.dtype}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Facts({ title, rows }: { title?: string; rows: [string, string | undefined][] }) {
  const shown = rows.filter((r): r is [string, string] => r[1] !== undefined && r[1] !== '');
  if (!shown.length) return null;
  return (
    <>
      {title && <h4>{title}</h4>}
      <dl className="model-info">
        {shown.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </>
  );
}

/** One number, or a list; a list of equal values as "v (×n)". */
function compact(value: number | number[]): string {
  if (!Array.isArray(value)) return String(value);
  if (value.length > 1 && value.every((v) => v === value[0])) return `${value[0]} (×${value.length})`;
  return value.join(', ');
}

/** ["position", "position", "velocity"] → "position ×2, velocity ×1". */
function counts(values: string[]): string {
  const n = new Map<string, number>();
  for (const v of values) n.set(v, (n.get(v) ?? 0) + 1);
  return [...n].map(([v, k]) => `${v} ×${k}`).join(', ');
}

function baseName(path: string): string {
  return path.split(/[/\\]/).pop() ?? path;
}

function formatBytes(bytes: number): string {
  return bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MiB` : bytes >= 1024 ? `${(bytes / 1024).toFixed(0)} KiB` : `${bytes} B`;
}
