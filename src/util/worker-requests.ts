/**
 * Numbered requests to a worker thread, each settled by the reply that carries its number
 * (the lexical rankers, retrieval/worker-ranker.ts; the vectors, retrieval/worker-vectors.ts).
 * The worker keeps the process alive only while a request is pending; once it fails or
 * stops, every request pending then and every later one fails with that error.
 */
import type { Worker } from "node:worker_threads";

export class WorkerRequests<Request extends object, Reply> {
  private readonly pending = new Map<number, { resolve: (reply: Reply) => void; reject: (err: Error) => void }>();
  private next = 0;
  private failure: Error | undefined;

  /** `name` says which worker stopped, in the error (e.g. "the ranking worker"). */
  constructor(
    private readonly worker: Worker,
    name: string,
  ) {
    worker.on("error", (err: Error) => this.fail(err));
    worker.on("exit", (code) => this.fail(new Error(`${name} stopped (exit code ${code})`)));
  }

  /** True once the worker failed or stopped. */
  get stopped(): boolean {
    return this.failure !== undefined;
  }

  /** Posts `{ id, ...request }` with the next number; settles when `settle` gets that number. */
  send(request: Request): Promise<Reply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const id = this.next++;
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...request });
    });
  }

  /** Settles request `id` with its reply, or with the error the worker reported (unknown numbers are ignored). */
  settle(id: number, outcome: { readonly reply: Reply } | { readonly error: Error }): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
    if ("error" in outcome) p.reject(outcome.error);
    else p.resolve(outcome.reply);
  }

  /** Stops the worker; requests pending and later fail. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.pending.values()) p.reject(this.failure);
    this.pending.clear();
  }
}
