/**
 * Numbers from the engine as the studio shows them. Over JSON a NaN or an infinity arrives as null,
 * whatever the protocol's type says: a readout shows '—' for it instead of throwing in render.
 */
export function fixed(x: number | null | undefined, digits: number): string {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : '—';
}
