import type { TaskMonitor } from '../task.ts';

/**
 * Success for "bring X to a goal" tasks: the final distance is under the tolerance. Metrics:
 * finalDistance, and reachedAt, the time since when it has stayed within the tolerance.
 */
export function distanceMonitor(distance: (state: Float64Array) => number, tolerance: number, saved?: unknown): TaskMonitor {
  // Saved as JSON, which cannot hold Infinity or NaN: unset values are left out.
  const from = saved as { last?: number; reachedAt?: number } | undefined;
  let last = from?.last ?? Infinity;
  let reachedAt = from?.reachedAt ?? NaN;
  return {
    save: () => ({ ...(Number.isFinite(last) ? { last } : {}), ...(Number.isNaN(reachedAt) ? {} : { reachedAt }) }),
    record(time, state) {
      last = distance(state);
      if (last >= tolerance) reachedAt = NaN;
      else if (Number.isNaN(reachedAt)) reachedAt = time;
    },
    result: () => ({ success: last < tolerance, metrics: { finalDistance: last, ...(Number.isNaN(reachedAt) ? {} : { reachedAt }) } }),
  };
}
