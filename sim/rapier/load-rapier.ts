/**
 * Loads the Rapier WebAssembly module once per thread.
 *
 * Build choice (measured, see docs/physics.md): `@dimforge/rapier3d-simd-compat` 0.20.
 */
import RAPIER from '@dimforge/rapier3d-simd-compat';

export type Rapier = typeof RAPIER;

let ready: Promise<Rapier> | undefined;

export function loadRapier(): Promise<Rapier> {
  ready ??= RAPIER.init().then(() => RAPIER);
  return ready;
}
