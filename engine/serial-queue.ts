/**
 * Runs jobs one at a time in arrival order. The session pushes each control step and each edit from
 * a client through one queue, so an edit always lands between physics steps, never inside one.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();
  private queued = 0;

  push<T>(job: () => Promise<T> | T): Promise<T> {
    this.queued++;
    const wrapped = () => {
      this.queued--;
      return job();
    };
    const run = this.tail.then(wrapped, wrapped);
    this.tail = run.catch(() => undefined);
    return run;
  }

  /** Jobs waiting behind the one running: a long job yields when this is non-zero. */
  get waiting(): number {
    return this.queued;
  }

  /** Resolves when every job queued so far has finished. */
  idle(): Promise<void> {
    return this.tail.then(() => undefined);
  }
}
