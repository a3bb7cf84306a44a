/**
 * What the engine tells a client about model files: the ones it can offer in a picker (`listModels`)
 * and, for one file, the facts its ONNX graph declares and its model card (`describeModel`). Plain
 * data; the card's full schema (zod) lives in models/model-card.ts and the engine checks at compile
 * time that a validated card fits `ModelCardView`.
 */
import type { ModelKind } from './params.ts';

/** A model or card file the studio can offer. Paths only: the engine never sends file contents. */
export interface ModelFileEntry {
  /** Absolute path on the engine's machine: what a file parameter is set to. */
  path: string;
  /** The path relative to its folder, for display. */
  name: string;
  /** The folder it was found under (one of `ModelListing.folders`). */
  folder: string;
  /** For an .onnx file: the card found for it (beside it, or naming it from a cards/ folder). */
  card?: string;
  /** What the file is (from its card, else from the model's inputs), when that can be told. */
  kind?: ModelKind | 'generic';
  /** How the kind was told, or why it could not be ("card go2w_robot_lab", "inputs state, action"). */
  kindSource?: string;
}

export interface ModelListing {
  /** The folders searched: the shipped models/ folder, then each `actuate serve --models <dir>`. */
  folders: string[];
  models: ModelFileEntry[];
  cards: ModelFileEntry[];
  /** Set when a folder held more files than one listing returns (the rest are left out). */
  truncated?: boolean;
}

export interface TensorFacts {
  name: string;
  /** Sizes, or symbolic names ("batch") for dimensions the model leaves open. */
  shape: (number | string)[];
  dtype: string;
  description?: string;
}

/** What an .onnx file declares without running it (models/model-info.ts's ModelInfo, which the engine assigns to it). */
export interface ModelFacts {
  file: string;
  bytes: number;
  irVersion: number;
  producer: string;
  producerVersion: string;
  opsets: { domain: string; version: number }[];
  inputs: TensorFacts[];
  outputs: TensorFacts[];
  parameterCount: number;
  initializers: number;
  /** Node count per operator type. */
  ops: Record<string, number>;
}

export type CardActionType = 'position' | 'velocity' | 'torque';

/** The parts of a validated model card (schema version 2) the studio shows. */
export interface ModelCardView {
  schemaVersion: number;
  name: string;
  description?: string;
  kind: 'policy' | 'diffusion-denoiser' | 'world-model' | 'dynamics' | 'generic';
  /** The .onnx file, relative to the card. */
  model?: string;
  inputs: TensorFacts[];
  outputs: TensorFacts[];
  policy?: {
    joints: string[];
    defaultPose: number[];
    observation: {
      input?: string;
      terms: { name: string; size: number; scale: number | number[]; clip?: [number, number]; history: number; zeroJoints?: string[]; key?: string }[];
      clip?: number;
      historyOrder: 'term' | 'time';
    };
    action: {
      output?: string;
      type: CardActionType | CardActionType[];
      scale: number | number[];
      offset: 'defaultPose' | number | number[];
      clip?: [number, number] | { lower: number[]; upper: number[] };
    };
    pd: { stiffness: number[]; servoDamping: number[]; jointDamping?: number[]; torqueLimit?: number[]; armature?: number[] };
    rates: { controlHz: number; physicsHz: number };
  };
  diffusion?: { horizon: number; obsHorizon: number; actionSteps: number; actionDim: number; obsDim: number; trainTimesteps: number; betaSchedule: string; predictionType: string };
  worldModel?: { latentDim: number; actionDim: number; obsDim: number; models: Record<string, string>; discount: number };
  provenance: { source: string; license: string; trainedWith?: string; commit?: string; sha256?: string; notes?: string };
}

/**
 * One model file described. Problems with the file asked about are errors of the call; problems
 * with the other file (the card found for a model, the model a card names) come back as text here,
 * so the studio can show what is known and what is wrong side by side.
 */
export interface ModelDescription {
  /** The .onnx file described (absent for a card that names no single model, e.g. a world model). */
  model?: ModelFacts;
  /** Why the model a card names could not be read. */
  modelError?: string;
  card?: ModelCardView;
  cardFile?: string;
  /** Why the card given or found could not be used (the card's own validation message). */
  cardError?: string;
  /** Where the card's inputs/outputs disagree with the model's, one line each. */
  mismatches: string[];
}

const MODEL_NOUNS: Record<ModelKind | 'generic', string> = {
  policy: 'a policy',
  'diffusion-denoiser': 'a diffusion denoiser',
  'world-model': 'a world model',
  dynamics: 'a dynamics model',
  generic: 'a generic model',
};

/** Why a listed file does not fit where a `wanted` model goes, or undefined when it fits (or its kind is untold). */
export function modelMisfit(entry: Pick<ModelFileEntry, 'kind' | 'kindSource'>, wanted: ModelKind): string | undefined {
  if (!entry.kind || entry.kind === wanted) return undefined;
  return `${MODEL_NOUNS[entry.kind]} (${entry.kindSource}), not ${MODEL_NOUNS[wanted]}`;
}
