/** A text progress bar and the time left, for long commands on a terminal. */
export function progressBar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** "m:ss" left, extrapolated from `seconds` spent on `fraction` of the work. */
export function timeLeft(fraction: number, seconds: number): string {
  const eta = Math.round(fraction > 0 ? Math.max(0, seconds / Math.min(1, fraction) - seconds) : 0);
  return `${Math.floor(eta / 60)}:${String(eta % 60).padStart(2, '0')}`;
}
