/**
 * Entry point of a worker thread that loads a saved index's vector graphs and searches
 * them (worker-vectors.ts), so that a large index's vectors are searched beside the
 * answering thread's own ranking instead of after it. The graphs live in this thread's
 * hnswlib objects only: the answering thread does not load them.
 */
import { parentPort, workerData } from "node:worker_threads";
import { IndexLoadError } from "../index/errors.ts";
import type { HnswConfig } from "../index/hnsw-graph.ts";
import { VectorShards } from "../index/vector-shards.ts";

/** Which graphs to load: as VectorShards.load takes them. */
export interface VectorWorkerData {
  readonly dir: string;
  readonly dimensions: number;
  readonly config: HnswConfig;
  readonly counts: readonly number[];
}

/** A search asked of the worker. */
export interface VectorSearchRequest {
  readonly id: number;
  readonly query: Float32Array;
  readonly k: number;
}

/** The worker's messages: first whether the graphs loaded, then one answer per request, in order. */
export type VectorWorkerReply =
  | { readonly kind: "loaded"; readonly size: number }
  | { readonly kind: "load-failed"; readonly message: string; readonly path?: string }
  | { readonly kind: "hits"; readonly id: number; readonly labels: Uint32Array; readonly distances: Float64Array }
  | { readonly kind: "failed"; readonly id: number; readonly message: string };

const { dir, dimensions, config, counts } = workerData as VectorWorkerData;
const port = parentPort!;
const post = (reply: VectorWorkerReply) => port.postMessage(reply);

try {
  const shards = await VectorShards.load(dir, dimensions, config, counts);
  port.on("message", (m: VectorSearchRequest) => {
    try {
      const hits = shards.search(m.query, m.k);
      const labels = Uint32Array.from(hits, (h) => h.label);
      post({ kind: "hits", id: m.id, labels, distances: Float64Array.from(hits, (h) => h.distance) });
    } catch (err) {
      post({ kind: "failed", id: m.id, message: err instanceof Error ? err.message : String(err) });
    }
  });
  post({ kind: "loaded", size: shards.size });
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  post({ kind: "load-failed", message, path: err instanceof IndexLoadError ? err.path : undefined });
}
