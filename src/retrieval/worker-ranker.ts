/**
 * One BM25 family of a saved lexical index, ranked in a worker thread (ranking-worker.ts).
 * Requests are answered in order; a worker that fails or stops fails every request then
 * pending and every later one (the lexical index then ranks on its own thread). The
 * worker keeps the process alive only while a request is pending.
 */
import type { Worker } from "node:worker_threads";
import { startWorker } from "../util/worker-thread.ts";
import type { Bm25Ranking } from "./bm25.ts";
import type { LexicalFamily } from "./lexical-index.ts";
import type { RankReply, RankRequest } from "./ranking-worker.ts";

export class WorkerRanker {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (r: Bm25Ranking) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failure: Error | undefined;

  constructor(file: string, family: LexicalFamily) {
    this.worker = startWorker("ranking-worker", "retrieval/ranking-worker.ts", { file, family });
    this.worker.unref();
    const fail = (err: Error) => {
      this.failure ??= err;
      for (const p of this.pending.values()) p.reject(this.failure);
      this.pending.clear();
    };
    this.worker.on("message", (m: RankReply) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      this.settled(m.id);
      if ("error" in m) p.reject(new Error(m.error));
      else p.resolve({ scores: m.scores, coverage: m.coverage });
    });
    this.worker.on("error", fail);
    this.worker.on("exit", (code) => fail(new Error(`the ranking worker stopped (exit code ${code})`)));
  }

  /** The best `limit` passages for weighted terms, as Bm25Index.rank gives them. */
  rank(terms: ReadonlyMap<string, number>, limit: number, withCoverage: boolean): Promise<Bm25Ranking> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const id = this.next++;
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, terms: [...terms], limit, withCoverage } satisfies RankRequest);
    });
  }

  private settled(id: number): void {
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker.unref();
  }

  /** Stops the worker; requests pending and later fail. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
