/**
 * One BM25 family of a saved lexical index, ranked in a worker thread (ranking-worker.ts).
 * Requests are answered in order; a worker that fails or stops fails every request then
 * pending and every later one (the lexical index then ranks on its own thread). The
 * worker keeps the process alive only while a request is pending.
 */
import { startWorker } from "../util/worker-thread.ts";
import { WorkerRequests } from "../util/worker-requests.ts";
import type { Bm25Ranking } from "./bm25.ts";
import type { LexicalFamily } from "./lexical-index.ts";
import type { RankReply, RankRequest } from "./ranking-worker.ts";

export class WorkerRanker {
  private readonly requests: WorkerRequests<Omit<RankRequest, "id">, Bm25Ranking>;

  constructor(file: string, family: LexicalFamily) {
    const worker = startWorker("ranking-worker", "retrieval/ranking-worker.ts", { file, family });
    worker.unref();
    this.requests = new WorkerRequests(worker, "the ranking worker");
    worker.on("message", (m: RankReply) =>
      this.requests.settle(m.id, "error" in m ? { error: new Error(m.error) } : { reply: { scores: m.scores, coverage: m.coverage } }),
    );
  }

  /** The best `limit` passages for weighted terms, as Bm25Index.rank gives them. */
  rank(terms: ReadonlyMap<string, number>, limit: number, withCoverage: boolean): Promise<Bm25Ranking> {
    return this.requests.send({ terms: [...terms], limit, withCoverage });
  }

  /** Stops the worker; requests pending and later fail. */
  async close(): Promise<void> {
    await this.requests.close();
  }
}
