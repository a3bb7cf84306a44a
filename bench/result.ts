export interface BenchResult {
  name: string;
  /** null when the suite failed: `details.error` says why. */
  value: number | null;
  unit: string;
  /** The goal, with its direction: '<= 1.10', '>= 50'. */
  target?: string;
  details?: Record<string, unknown>;
}

export interface BenchSuite {
  name: string;
  run(): Promise<BenchResult[]>;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

/** Mean wall time of one call of `fn` over `count` calls, µs. */
export function usPerCall(fn: () => void, count: number): number {
  const t0 = performance.now();
  for (let i = 0; i < count; i++) fn();
  return ((performance.now() - t0) * 1000) / count;
}
