/**
 * Runs async tasks one after another, in the order they were queued: each starts once
 * the one before it has settled, whether it succeeded or failed. A failed task rejects
 * its own caller only.
 */
export class SerialQueue {
  private tail: Promise<unknown> = Promise.resolve();

  /** Queues `task`; resolves or rejects with its outcome. */
  run<T>(task: () => Promise<T>): Promise<T> {
    // The tail never rejects (see below), so each task starts once the one before has settled.
    const result = this.tail.then(() => task());
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Resolves once every task queued so far has settled. */
  async idle(): Promise<void> {
    await this.tail;
  }
}
