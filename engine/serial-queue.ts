/**
 * Runs jobs one at a time in arrival order. The session pushes each control step and each edit from
 * a client through one queue, so an edit always lands between physics steps, never inside one.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  push<T>(job: () => Promise<T> | T): Promise<T> {
    const run = this.tail.then(job, job);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Resolves when every job queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
