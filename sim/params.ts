/** Validation and merging of parameter values against their schemas (protocol/params.ts). */

export type { ChoiceParam, NumberParam, ParamSpec, ParamValue, ParamValues, TextParam } from '../protocol/params.ts';
import type { ParamSpec, ParamValue, ParamValues } from '../protocol/params.ts';

export function defaults(specs: readonly ParamSpec[]): ParamValues {
  return Object.fromEntries(specs.map((s) => [s.key, s.default]));
}

/** Checks one value against its spec; returns the value to store or throws a message a user can act on. */
export function validateParam(specs: readonly ParamSpec[], key: string, value: unknown, scope: string): ParamValue {
  const spec = specs.find((s) => s.key === key);
  if (!spec) {
    throw new ParamError(`unknown ${scope} parameter '${key}'; valid: ${specs.map((s) => s.key).join(', ') || '(none)'}`);
  }
  if (spec.kind === 'text') {
    if (typeof value !== 'string') throw new ParamError(`${scope}.${key} must be text; got ${JSON.stringify(value)}`);
    return value;
  }
  if (spec.kind === 'choice') {
    if (typeof value !== 'string' || !spec.options.includes(value)) {
      throw new ParamError(`${scope}.${key} must be one of ${spec.options.join(', ')}; got ${JSON.stringify(value)}`);
    }
    return value;
  }
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new ParamError(`${scope}.${key} must be a number; got ${JSON.stringify(value)}`);
  }
  if (n < spec.min || n > spec.max) {
    throw new ParamError(`${scope}.${key} must be within [${spec.min}, ${spec.max}]; got ${n}`);
  }
  if (spec.integer && !Number.isInteger(n)) throw new ParamError(`${scope}.${key} must be a whole number; got ${n}`);
  return n;
}

/** Applies several changes, validating all before changing anything. */
export function mergeParams(
  specs: readonly ParamSpec[],
  current: ParamValues,
  changes: Record<string, unknown>,
  scope: string,
): ParamValues {
  const next = { ...current };
  for (const [key, value] of Object.entries(changes)) next[key] = validateParam(specs, key, value, scope);
  return next;
}

export class ParamError extends Error {
  override name = 'ParamError';
}

/** The same specs with some defaults replaced (a planner that prefers other defaults than its family). */
export function withDefaults(specs: readonly ParamSpec[], overrides: Record<string, ParamValue>): ParamSpec[] {
  return specs.map((s) => (s.key in overrides ? ({ ...s, default: overrides[s.key] } as ParamSpec) : s));
}
