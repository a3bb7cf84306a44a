/**
 * The model files a client can pick from, and what one of them is. Folders searched: the shipped
 * models/ folder and any the user adds (`actuate serve --models <dir>`). A model's card is found by
 * the conventions of docs/neural.md: `<name>.card.json` beside `<name>.onnx`, or a card in a cards/
 * folder (models/cards/, or cards/ beside the model's folder) whose `model` field names the file.
 *
 * Listings carry paths only, never file contents. Describing reads the file named (any path on the
 * engine's machine, as the controllers' own file settings do) and answers with the ONNX graph's facts
 * and the validated card; a bad file fails with the same message `actuate policy info` gives.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative, resolve } from 'node:path';
import type { ModelCardView, ModelDescription, ModelFileEntry, ModelListing } from '../protocol/models.ts';
import { compareSignatures } from '../models/io-validation.ts';
import { CARD_SUFFIX, cardBeside, loadModelCard, type ModelCard } from '../models/model-card.ts';
import { modelInfo } from '../models/model-info.ts';
import { projectPath } from '../sim/project-paths.ts';

/** The shipped models (the repository's models/ folder, or the packaged app's copy of it). */
export const SHIPPED_MODELS_DIR = projectPath('models');

/** A listing stops after this many files, so a folder like ~ cannot stall the engine. */
const MAX_FILES = 2000;
const MAX_DEPTH = 6;
const SKIPPED_FOLDERS = new Set(['node_modules']);

// A validated card must fit what the protocol promises clients (checked here, at compile time).
const asView = (card: ModelCard): ModelCardView => card;

export class ModelCatalog {
  readonly folders: string[];

  /** `folders` beyond the shipped one; each must exist (the CLI checks before starting). */
  constructor(extraFolders: readonly string[] = [], shipped: string | undefined = SHIPPED_MODELS_DIR) {
    this.folders = [...new Set([...(shipped ? [shipped] : []), ...extraFolders].map((f) => resolve(f)))];
  }

  list(): ModelListing {
    const models: ModelFileEntry[] = [];
    const cards: ModelFileEntry[] = [];
    let budget = MAX_FILES;
    let truncated = false;
    const seen = new Set<string>();
    for (const folder of this.folders) {
      walk(folder, 0, (file) => {
        if (seen.has(file)) return true;
        if (budget-- <= 0) {
          truncated = true;
          return false;
        }
        seen.add(file);
        const entry = { path: file, name: relative(folder, file), folder };
        if (file.endsWith(CARD_SUFFIX)) cards.push(entry);
        else models.push(entry);
        return true;
      });
    }
    // Cards name their model: index them once, then attach to each model (beside-the-model cards first).
    const named = new Map<string, string>();
    for (const c of cards) {
      const target = cardModelPath(c.path);
      if (target && !named.has(target)) named.set(target, c.path);
    }
    const cardPaths = new Set(cards.map((c) => c.path));
    for (const m of models) {
      const beside = cardBeside(m.path);
      const card = cardPaths.has(beside) ? beside : named.get(m.path);
      if (card) m.card = card;
    }
    return { folders: [...this.folders], models, cards, ...(truncated ? { truncated } : {}) };
  }

  /** The card for a model file, by the conventions above, or undefined. */
  findCard(modelPath: string): string | undefined {
    const model = resolve(modelPath);
    const beside = cardBeside(model);
    if (existsSync(beside)) return beside;
    const dir = dirname(model);
    const cardFolders = [dir, join(dir, '..', 'cards'), ...this.folders.map((f) => join(f, 'cards'))];
    for (const folder of new Set(cardFolders.map((f) => resolve(f)))) {
      for (const name of safeReaddir(folder)) {
        if (!name.endsWith(CARD_SUFFIX)) continue;
        const card = join(folder, name);
        if (cardModelPath(card) === model) return card;
      }
    }
    return undefined;
  }

  /**
   * Describes an .onnx file (with the card given, else the one found) or a card (with the model it
   * names). Throws the model's or card's own error when the file asked about is bad.
   */
  describe(path: string, card?: string): ModelDescription {
    const file = resolve(path);
    if (extname(file).toLowerCase() === '.json') {
      const loaded = loadModelCard(file);
      const description: ModelDescription = { card: asView(loaded.card), cardFile: file, mismatches: [] };
      if (!loaded.modelPath) return description;
      try {
        description.model = modelInfo(loaded.modelPath);
      } catch (err) {
        description.modelError = (err as Error).message;
        return description;
      }
      description.mismatches = mismatches(loaded.card, description.model);
      return description;
    }
    const model = modelInfo(file);
    const description: ModelDescription = { model, mismatches: [] };
    const cardFile = card ? resolve(card) : this.findCard(file);
    if (!cardFile) return description;
    description.cardFile = cardFile;
    try {
      const loaded = loadModelCard(cardFile);
      description.card = asView(loaded.card);
      description.mismatches = mismatches(loaded.card, model);
    } catch (err) {
      description.cardError = (err as Error).message;
    }
    return description;
  }
}

function mismatches(card: ModelCard, model: NonNullable<ModelDescription['model']>): string[] {
  return [...compareSignatures('input', card.inputs, model.inputs), ...compareSignatures('output', card.outputs, model.outputs)];
}


/** The model file a card names (resolved against the card's folder), read without validating the card. */
function cardModelPath(cardFile: string): string | undefined {
  try {
    const raw = JSON.parse(readFileSync(cardFile, 'utf8')) as { model?: unknown };
    return typeof raw.model === 'string' && raw.model ? resolve(dirname(cardFile), raw.model) : undefined;
  } catch {
    return undefined;
  }
}

/** Visits .onnx and .card.json files under `folder` in name order; `visit` returns false to stop. */
function walk(folder: string, depth: number, visit: (file: string) => boolean): boolean {
  const entries = safeReaddir(folder).sort();
  for (const name of entries) {
    if (name.startsWith('.')) continue;
    const full = join(folder, name);
    let stats;
    try {
      stats = statSync(full);
    } catch {
      continue;
    }
    if (stats.isDirectory()) {
      if (depth < MAX_DEPTH && !SKIPPED_FOLDERS.has(name) && !walk(full, depth + 1, visit)) return false;
    } else if (stats.isFile() && (extname(name).toLowerCase() === '.onnx' || name.endsWith(CARD_SUFFIX))) {
      if (!visit(full)) return false;
    }
  }
  return true;
}

function safeReaddir(folder: string): string[] {
  try {
    return readdirSync(folder);
  } catch {
    return [];
  }
}
