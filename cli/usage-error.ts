/** A mistake in how the command was called: exit code 2 and a message naming what to fix. */
export class UsageError extends Error {
  override name = 'UsageError';
}
