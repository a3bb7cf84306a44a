/**
 * Whether the machine keeps the play speed asked for. The engine measures simulated seconds per wall
 * second over each second of play (Timing.realtimeFactor); below 85 % of the speed asked, 4× would
 * look like 1× without a word, so the toolbar says what it keeps instead.
 */
const TOLERANCE = 0.85;

export function speedShortfall(requested: number, realtimeFactor: number | undefined, playing: boolean): string | undefined {
  // No measurement yet (the first second of play) is not a shortfall.
  if (!playing || !realtimeFactor || realtimeFactor >= TOLERANCE * requested) return undefined;
  return `this machine keeps ${realtimeFactor.toFixed(realtimeFactor < 1 ? 2 : 1)}× of the ${requested}× asked`;
}
