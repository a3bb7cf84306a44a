/** Checks of numeric command-line values, and errors met while preparing a command turned into usage errors. */
import { UsageError } from './usage-error.ts';

export function count(flag: string, value: string, min: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} must be a whole number ≥ ${min}, got '${value}'`);
  return n;
}

export function positive(flag: string, value: string): number {
  const n = Number(value);
  if (!(n > 0)) throw new UsageError(`${flag} must be a positive number, got '${value}'`);
  return n;
}

/** Bad input found while preparing (unknown task, bad parameter, corrupt file) becomes a usage error. */
export function guard<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

export async function guardAsync<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}
