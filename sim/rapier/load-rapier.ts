/**
 * Loads the Rapier WebAssembly module once per thread.
 *
 * Build choice (measured, see docs/physics.md): `@dimforge/rapier3d-simd-compat` 0.20.
 */
import RAPIER from '@dimforge/rapier3d-simd-compat';

export type Rapier = typeof RAPIER;

let ready: Promise<Rapier> | undefined;

export function loadRapier(): Promise<Rapier> {
  ready ??= RAPIER.init().then(() => {
    stopProfilerClock(RAPIER);
    return RAPIER;
  });
  return ready;
}

/**
 * Rapier's step times its stages even with its profiler off: 32 calls out of WebAssembly into
 * `performance.now()` a step, whatever the scene — a third of an empty world's step, and a planner
 * steps its rollout worlds millions of times an episode (docs/physics.md, "Step cost"). The module
 * fetches `globalThis.performance` once, at its first step, and keeps it; that first step is taken
 * here on a throwaway world while `performance` is a clock that reads 0, so its timers cost nothing.
 * Only Rapier's own profiler readings (`World.timingStep()` and the like, unused here) lose their
 * meaning; the swap lasts one synchronous step, so no other code ever sees it. Any Rapier build whose
 * first step has not been taken yet can be given the same clock (the build benchmark gives it to both).
 */
export function stopProfilerClock(R: { World: new (gravity: { x: number; y: number; z: number }) => { step(): void; free(): void } }): void {
  const real = Object.getOwnPropertyDescriptor(globalThis, 'performance');
  Object.defineProperty(globalThis, 'performance', { configurable: true, value: { now: () => 0 } });
  try {
    const world = new R.World({ x: 0, y: 0, z: 0 });
    world.step();
    world.free();
  } finally {
    if (real) Object.defineProperty(globalThis, 'performance', real);
    else delete (globalThis as { performance?: unknown }).performance;
  }
}
