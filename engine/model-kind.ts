/**
 * What each listed model or card file is, so a picker offers a dynamics model where a planner wants
 * one and says why a policy does not fit there. A card says it (`kind`); a model takes its card's
 * kind, and without a card its inputs tell the two conventions the controllers check for: `state` and
 * `action` (a learned dynamics model, control/sampling/onnx-rollouts.ts) or a `timestep` input (a
 * diffusion denoiser). Anything else stays untold: it may fit, and the controller checks it.
 */
import { readFileSync, statSync } from 'node:fs';
import type { ModelFileEntry, ModelListing } from '../protocol/models.ts';
import type { ModelKind } from '../protocol/params.ts';
import { modelInfo } from '../models/model-info.ts';

type Told = Pick<ModelFileEntry, 'kind' | 'kindSource'>;

const KINDS: readonly string[] = ['policy', 'diffusion-denoiser', 'world-model', 'dynamics', 'generic'];

/** Input names per model file, keyed by path, size and modification time (files change under a running studio). */
const inputCache = new Map<string, { stamp: string; inputs: string[] }>();

/** The listing with each entry's kind and how it was told. */
export function withModelKinds(listing: ModelListing): ModelListing {
  const cardKinds = new Map(listing.cards.map((c) => [c.path, cardKind(c.path)]));
  const tell = (entry: ModelFileEntry, told: Told): ModelFileEntry => ({ ...entry, ...told });
  return {
    ...listing,
    cards: listing.cards.map((c) => tell(c, cardKinds.get(c.path)!)),
    models: listing.models.map((m) => tell(m, m.card ? (cardKinds.get(m.card) ?? cardKind(m.card)) : inputKind(m.path))),
  };
}

/** The card's own `kind` field, read without validating the card (the card panel shows its errors). */
export function cardKind(file: string): Told {
  try {
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { kind?: unknown; name?: unknown };
    const name = typeof raw.name === 'string' ? raw.name : file;
    if (typeof raw.kind === 'string' && KINDS.includes(raw.kind)) return { kind: raw.kind as ModelKind | 'generic', kindSource: `card ${name}` };
    return { kindSource: `card ${name} declares no known kind` };
  } catch (err) {
    return { kindSource: `card unreadable: ${(err as Error).message}` };
  }
}

/** A model without a card: its input names, when they follow a controller's convention. */
export function inputKind(file: string): Told {
  let inputs: string[];
  try {
    inputs = modelInputs(file);
  } catch (err) {
    return { kindSource: (err as Error).message };
  }
  const list = `inputs ${inputs.join(', ')}`;
  if (inputs.includes('state') && inputs.includes('action')) return { kind: 'dynamics', kindSource: list };
  if (inputs.length >= 3 && inputs.some((n) => /time_?step|^t$/i.test(n))) return { kind: 'diffusion-denoiser', kindSource: list };
  return { kindSource: `no card; ${list}` };
}

function modelInputs(file: string): string[] {
  const stats = statSync(file);
  const stamp = `${stats.size}:${stats.mtimeMs}`;
  const cached = inputCache.get(file);
  if (cached?.stamp === stamp) return cached.inputs;
  const inputs = modelInfo(file).inputs.map((i) => i.name);
  inputCache.set(file, { stamp, inputs });
  return inputs;
}
