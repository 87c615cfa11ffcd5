/**
 * hnswlib's HierarchicalNSW (cosine space) with labels 0, 1, 2, … in insertion order and
 * deterministic search: the graph is built single-threaded with a fixed seed, small
 * graphs are searched exhaustively (ef ≥ element count), and results are ordered by
 * (distance, label), fetching more when the k-th place ties. Search needs no LangChain:
 * the LangChain vector store (hnsw-vector-store.ts) and the retriever both use this.
 */
import hnswlib from "hnswlib-node";
import { DimensionMismatchError, IndexLoadError, IndexWriteError } from "./errors.ts";

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** Tuning of the graph and the search. */
export interface HnswConfig {
  /** Links per node. */
  readonly m: number;
  readonly efConstruction: number;
  /** Seed of hnswlib's level generator; fixed so that builds are reproducible. */
  readonly randomSeed: number;
  /** Search breadth for graphs larger than `exhaustiveUpTo`. */
  readonly efSearch: number;
  /** Up to this many elements every search visits every element, so results are exact. */
  readonly exhaustiveUpTo: number;
}

/**
 * Defaults of the graph and the search, chosen on recall@10 against exact search over
 * generated corpora (`npm run bench:scale -- --recall N`; figures in README, "Scale"):
 * efConstruction 100 builds in about half the time of 200 for about 1.5 points of recall,
 * and a wider search (efSearch 400) buys back more recall than either, for a millisecond.
 */
export const HNSW_DEFAULTS: HnswConfig = {
  m: 16,
  efConstruction: 100,
  randomSeed: 100,
  efSearch: 400,
  exhaustiveUpTo: 5000,
};

/** How many extra neighbours to fetch so that ties at the k-th place can be seen. */
const TIE_MARGIN = 8;

/** One search result: the element's label and its cosine distance (0 = same direction). */
export interface GraphHit {
  readonly label: number;
  readonly distance: number;
}

export class HnswGraph {
  private constructor(
    private readonly index: Hnsw,
    readonly dimensions: number,
    readonly config: HnswConfig,
  ) {}

  /** An empty graph for vectors of `dimensions`, with room for `capacity` (it grows as needed). */
  static create(dimensions: number, config: Partial<HnswConfig> = {}, capacity = 1024): HnswGraph {
    const c = { ...HNSW_DEFAULTS, ...config };
    const index = new HierarchicalNSW("cosine", dimensions);
    index.initIndex({ maxElements: Math.max(capacity, 1), m: c.m, efConstruction: c.efConstruction, randomSeed: c.randomSeed });
    return new HnswGraph(index, dimensions, c);
  }

  /**
   * Reads a graph saved by {@link save}. hnswlib trusts the file: check it first (the
   * index manifest's checksums).
   * @throws {IndexLoadError} when it cannot be read or does not hold `count` vectors.
   */
  static async load(file: string, dimensions: number, config: HnswConfig, count: number): Promise<HnswGraph> {
    const index = new HierarchicalNSW("cosine", dimensions);
    try {
      await index.readIndex(file);
    } catch (cause) {
      throw new IndexLoadError(`${file}: hnswlib could not read it (${String(cause)})`, file, { cause });
    }
    if (index.getCurrentCount() !== count) {
      throw new IndexLoadError(`${file}: holds ${index.getCurrentCount()} vectors, expected ${count}`, file);
    }
    return new HnswGraph(index, dimensions, config);
  }

  get size(): number {
    return this.index.getCurrentCount();
  }

  /**
   * Adds vectors with the next labels, in order; returns the first label.
   * @throws {DimensionMismatchError} when a vector's length differs from the graph's.
   * @throws {TypeError} when a vector holds a non-finite number.
   */
  add(vectors: readonly ArrayLike<number>[]): number {
    const first = this.size;
    const plain = vectors.map((v, i) => {
      if (v.length !== this.dimensions) throw new DimensionMismatchError(this.dimensions, v.length, `vector ${i}`);
      const arr = Array.from(v);
      if (!arr.every(Number.isFinite)) throw new TypeError(`vector ${i} holds a non-finite number`);
      return arr;
    });
    const need = first + plain.length;
    if (this.index.getMaxElements() < need) this.index.resizeIndex(Math.max(need, this.index.getMaxElements() * 2));
    plain.forEach((v, i) => this.index.addPoint(v, first + i));
    return first;
  }

  /**
   * The k nearest elements, closest first; equal distances by label. `efSearch` overrides
   * the configured breadth (a graph that is one shard of several gets its share).
   * @throws {DimensionMismatchError} when the query's length differs from the graph's.
   */
  search(query: ArrayLike<number>, k: number, filter?: (label: number) => boolean, efSearch = this.config.efSearch): GraphHit[] {
    const n = this.size;
    if (n === 0 || k <= 0) return [];
    if (query.length !== this.dimensions) throw new DimensionMismatchError(this.dimensions, query.length, "query vector");
    const q = Array.from(query);
    const want = Math.min(Math.floor(k), n);
    let fetch = Math.min(n, want + TIE_MARGIN);
    let hits: GraphHit[];
    for (;;) {
      const ef = Math.max(efSearch, fetch, n <= this.config.exhaustiveUpTo ? n : 0);
      this.index.setEf(ef);
      const res = this.index.searchKnn(q, fetch, filter);
      hits = res.neighbors
        .map((label, i) => ({ label, distance: res.distances[i]! }))
        .sort((a, b) => a.distance - b.distance || a.label - b.label);
      // When the k-th hit ties with the last one fetched, more equal hits may lie
      // beyond, and hnswlib picks among them arbitrarily: fetch more.
      const exhausted = hits.length < fetch || fetch >= n;
      if (exhausted || hits.length <= want || hits[want - 1]!.distance !== hits[hits.length - 1]!.distance) break;
      fetch = Math.min(n, fetch * 2);
    }
    return hits.slice(0, want);
  }

  /**
   * Writes the graph to `file` (capacity shrunk to the element count first, so the file
   * holds no empty slots).
   * @throws {IndexWriteError} when writing fails.
   */
  async save(file: string): Promise<void> {
    const count = Math.max(1, this.size);
    if (this.index.getMaxElements() !== count) this.index.resizeIndex(count);
    try {
      await this.index.writeIndex(file);
    } catch (cause) {
      throw new IndexWriteError(`could not write ${file}: ${String(cause)}`, file, { cause });
    }
  }
}
