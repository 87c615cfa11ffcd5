/**
 * A saved index's vectors held and searched by a worker thread (vector-worker.ts), beside
 * the workers that rank its words and bigrams (lexical-index.ts); at 2,000 circulars the
 * vector search was a third of a first-asked question's time on the answering thread
 * (hnswlib, its graph mostly out of cache by then).
 *
 * Should the worker fail or stop after loading, the graphs are loaded into this thread and
 * searched here from then on. A worker whose index is no longer referenced (an engine
 * replaced by a reindex) is stopped; it keeps the process alive only while a search is
 * pending.
 */
import type { Worker } from "node:worker_threads";
import { IndexLoadError } from "../index/errors.ts";
import type { GraphHit } from "../index/hnsw-graph.ts";
import { VectorShards, type VectorSearch } from "../index/vector-shards.ts";
import { startWorker } from "../util/worker-thread.ts";
import { WorkerRequests } from "../util/worker-requests.ts";
import type { VectorSearchRequest, VectorWorkerData, VectorWorkerReply } from "./vector-worker.ts";

/** The worker and its pending searches; holds nothing of the WorkerVectors, so that one can be collected and this stopped. */
class VectorWorkerClient {
  readonly loaded: Promise<number>;
  readonly requests: WorkerRequests<Omit<VectorSearchRequest, "id">, GraphHit[]>;

  constructor(worker: Worker, file: string) {
    let loaded!: (size: number) => void;
    let notLoaded!: (err: Error) => void;
    this.loaded = new Promise<number>((resolve, reject) => ((loaded = resolve), (notLoaded = reject)));
    this.requests = new WorkerRequests(worker, "the vector worker");
    // Once loaded, these change nothing: a failure then fails the searches (WorkerRequests).
    const failed = (err: Error) =>
      notLoaded(new IndexLoadError(`${file}: the vector worker failed (${err.message})`, file, { cause: err }));
    worker.on("error", failed);
    worker.on("exit", (code) => failed(new Error(`the vector worker stopped (exit code ${code})`)));
    worker.on("message", (m: VectorWorkerReply) => {
      if (m.kind === "loaded") return loaded(m.size);
      if (m.kind === "load-failed") {
        notLoaded(new IndexLoadError(m.message, m.path ?? file));
        void worker.terminate();
        return;
      }
      if (m.kind === "failed") this.requests.settle(m.id, { error: new Error(m.message) });
      else this.requests.settle(m.id, { reply: Array.from(m.labels, (label, i) => ({ label, distance: m.distances[i]! })) });
    });
  }

  search(query: ArrayLike<number>, k: number): Promise<GraphHit[]> {
    return this.requests.send({ query: Float32Array.from(query), k });
  }
}

/** Workers of indexes no longer referenced, stopped. */
const idleWorkers = new FinalizationRegistry<VectorWorkerClient>((client) => void client.requests.close());

export class WorkerVectors implements VectorSearch {
  /** The graphs loaded here once the worker failed. */
  private here?: Promise<VectorShards>;

  private constructor(
    private readonly client: VectorWorkerClient,
    private readonly data: VectorWorkerData,
    readonly size: number,
  ) {}

  /**
   * Starts a worker that loads the graphs of `data` (as VectorShards.load takes them) and
   * resolves once they are loaded.
   * @throws {IndexLoadError} when a graph cannot be read or holds another count.
   */
  static async open(data: VectorWorkerData): Promise<WorkerVectors> {
    const worker = startWorker("vector-worker", "retrieval/vector-worker.ts", data);
    const client = new VectorWorkerClient(worker, data.dir);
    const size = await client.loaded;
    worker.unref();
    const vectors = new WorkerVectors(client, data, size);
    idleWorkers.register(vectors, client);
    return vectors;
  }

  /** Where the vectors are searched: in the worker, or here (since the worker failed). */
  get searchedIn(): "worker" | "this thread" {
    return this.here ? "this thread" : "worker";
  }

  /** The k nearest vectors, as VectorShards.search gives them. */
  async search(query: ArrayLike<number>, k: number): Promise<GraphHit[]> {
    if (!this.here) {
      try {
        return await this.client.search(query, k);
      } catch (err) {
        // A search the graphs refuse (a query of other dimensions) fails here too; only a stopped worker moves them.
        if (!this.client.requests.stopped) throw err;
        const { dir, dimensions, config, counts } = this.data;
        this.here ??= VectorShards.load(dir, dimensions, config, counts);
      }
    }
    return (await this.here).search(query, k);
  }

  /** Stops the worker (the vectors are then searched here). */
  async close(): Promise<void> {
    await this.client.requests.close();
  }
}
