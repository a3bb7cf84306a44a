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
}

export type ParamSpec = NumberParam | ChoiceParam | TextParam;
export type ParamValue = number | string;
export type ParamValues = Record<string, ParamValue>;

