/**
 * Parameter schemas: the data every tunable thing (task parameters, cost weights, planner settings)
 * declares so the studio can draw a control for it and the engine can validate a change.
 */

export interface NumberParam {
  kind: 'number';
  key: string;
  label: string;
  default: number;
  min: number;
  max: number;
  step?: number;
  unit?: string;
  /** Whole numbers only (sample counts, iterations). */
  integer?: boolean;
  /** Log-scaled slider (temperatures, weights spanning decades). */
  log?: boolean;
  /** A task parameter applied live, without rebuilding the scene (a velocity command). */
  live?: boolean;
  help?: string;
}

export interface ChoiceParam {
  kind: 'choice';
  key: string;
  label: string;
  default: string;
  options: string[];
  help?: string;
}

/** A line of text: a model or card file path, a name. Changing one restarts what reads it. */
export interface TextParam {
  kind: 'text';
  key: string;
  label: string;
  default: string;
  placeholder?: string;
  help?: string;
  /** The text names a file of this kind: the studio offers a picker (listModels, and a native dialog on the desktop). */
  file?: FileKind;
  /** The kind of model the file must be: the picker offers those and says why the others do not fit. */
  model?: ModelKind;
}

/** What an ONNX model does, as its card's `kind` says (or its inputs show when it has no card). */
export type ModelKind = 'policy' | 'diffusion-denoiser' | 'world-model' | 'dynamics';

/** Files a text parameter can name: an ONNX model, or a model card (JSON). */
export type FileKind = 'onnx' | 'card';

export type ParamSpec = NumberParam | ChoiceParam | TextParam;
export type ParamValue = number | string;
export type ParamValues = Record<string, ParamValue>;

