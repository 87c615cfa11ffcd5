/**
 * The passages' vectors as one or more HNSW graphs ("shards") of at most SHARD_SIZE
 * vectors each: labels run on from one shard to the next, a search asks every shard
 * and keeps the best by (distance, label). hnswlib loads a graph on one thread, at
 * about 2 seconds per 200,000 vectors here (it checks the file element by element);
 * shards load side by side, so a 10,000-circular index restarts in about half the time.
 * An index below SHARD_SIZE is one graph, searched exactly as HnswGraph searches.
 */
import path from "node:path";
import { HnswGraph, HNSW_DEFAULTS, type GraphHit, type HnswConfig } from "./hnsw-graph.ts";

/** Vectors per shard. */
export const SHARD_SIZE = 200_000;

/** File of shard i inside a generation folder: vectors.hnsw, vectors.1.hnsw, … */
export function shardFile(i: number): string {
  return i === 0 ? "vectors.hnsw" : `vectors.${i}.hnsw`;
}

/**
 * Nearest-neighbour search over an index's vectors, labels as VectorShards numbers them:
 * the graphs in this thread (VectorShards), or held and searched by a worker thread
 * (retrieval/worker-vectors.ts).
 */
export interface VectorSearch {
  readonly size: number;
  /** The k nearest vectors, closest first; equal distances by label. */
  search(query: ArrayLike<number>, k: number): GraphHit[] | Promise<GraphHit[]>;
}

export class VectorShards implements VectorSearch {
  private constructor(
    private readonly graphs: HnswGraph[],
    readonly dimensions: number,
    readonly config: HnswConfig,
    private readonly shardSize: number,
  ) {}

  /** No vectors yet; shards of `shardSize` vectors (tests use small ones). */
  static create(dimensions: number, config: Partial<HnswConfig> = {}, shardSize = SHARD_SIZE): VectorShards {
    return new VectorShards([], dimensions, { ...HNSW_DEFAULTS, ...config }, shardSize);
  }

  /**
   * Loads saved shards (in parallel, on libuv's threads), `counts[i]` vectors in shard i.
   * @throws {IndexLoadError} when a shard cannot be read or holds another count.
   */
  static async load(dir: string, dimensions: number, config: HnswConfig, counts: readonly number[]): Promise<VectorShards> {
    // Every load settles before a failure is reported: a worker thread stopped while hnswlib
    // still loads a shard aborts the whole process (hnswlib-node 3 throws into the stopping thread).
    const files = counts.map((_, i) => path.join(dir, shardFile(i)));
    const loads = await Promise.allSettled(counts.map((count, i) => HnswGraph.load(files[i]!, dimensions, config, count)));
    const failed = loads.find((l) => l.status === "rejected");
    if (failed) throw failed.reason;
    return new VectorShards(
      loads.map((l) => (l as PromiseFulfilledResult<HnswGraph>).value),
      dimensions,
      config,
      SHARD_SIZE,
    );
  }

  /** Vectors per shard. */
  get counts(): number[] {
    return this.graphs.map((g) => g.size);
  }

  get size(): number {
    return this.graphs.reduce((n, g) => n + g.size, 0);
  }

  /** Adds vectors with the next labels; returns the first. */
  add(vectors: readonly ArrayLike<number>[]): number {
    const first = this.size;
    for (let at = 0; at < vectors.length; ) {
      let last = this.graphs[this.graphs.length - 1];
      if (!last || last.size >= this.shardSize) {
        last = HnswGraph.create(this.dimensions, this.config, Math.min(this.shardSize, vectors.length - at));
        this.graphs.push(last);
      }
      const take = Math.min(vectors.length - at, this.shardSize - last.size);
      last.add(vectors.slice(at, at + take));
      at += take;
    }
    return first;
  }

  /**
   * The k nearest vectors over every shard, closest first; equal distances by label. The
   * shards share the search breadth (efSearch): at 10,000 circulars (2 shards), 200 each
   * gave the same first citation as 400 each for all 351 of the bench's questions, in two thirds
   * of the search time (4.3 against 6.3 ms; recall@10 against a search of breadth 3,000:
   * 0.84 against 0.89).
   */
  search(query: ArrayLike<number>, k: number): GraphHit[] {
    if (this.graphs.length === 1) return this.graphs[0]!.search(query, k);
    const ef = Math.ceil(this.config.efSearch / this.graphs.length);
    const hits: GraphHit[] = [];
    let offset = 0;
    for (const g of this.graphs) {
      for (const h of g.search(query, k, undefined, ef)) hits.push({ label: h.label + offset, distance: h.distance });
      offset += g.size;
    }
    return hits.sort((a, b) => a.distance - b.distance || a.label - b.label).slice(0, Math.max(0, Math.floor(k)));
  }

  /** Writes every shard into `dir` (see {@link shardFile}); an empty index is one empty shard. */
  async save(dir: string): Promise<void> {
    if (this.graphs.length === 0) this.graphs.push(HnswGraph.create(this.dimensions, this.config, 1));
    for (const [i, g] of this.graphs.entries()) await g.save(path.join(dir, shardFile(i)));
  }
}
