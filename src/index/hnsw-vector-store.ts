/**
 * A LangChain vector store over hnswlib's HierarchicalNSW (cosine space), with the
 * documents kept beside the graph in a JSON docstore. Citation data lives in each
 * document's metadata and is stored and returned exactly as given.
 *
 * Search is deterministic: the graph is built single-threaded with a fixed seed,
 * small stores are searched exhaustively (ef >= item count), and results are ordered
 * by (distance, insertion order) so equal scores always come back in the same order.
 */
import { promises as fs } from "node:fs";
import path from "node:path";
import { Document, type DocumentInterface } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { VectorStore } from "@langchain/core/vectorstores";
import hnswlib from "hnswlib-node";
import { z } from "zod";
import { DimensionMismatchError, IndexLoadError, IndexWriteError } from "./errors.ts";

const { HierarchicalNSW } = hnswlib;
type Hnsw = InstanceType<typeof HierarchicalNSW>;

/** Tuning of the graph and the search. */
export interface HnswStoreConfig {
  /** Vector length; taken from the first vectors added when not given. */
  readonly numDimensions?: number;
  /** Links per node. */
  readonly m: number;
  readonly efConstruction: number;
  /** Seed of hnswlib's level generator; fixed so that builds are reproducible. */
  readonly randomSeed: number;
  /** Search breadth for stores larger than `exhaustiveUpTo`. */
  readonly efSearch: number;
  /** Up to this many items every search visits every item, so results are exact. */
  readonly exhaustiveUpTo: number;
}

export const HNSW_STORE_DEFAULTS: HnswStoreConfig = {
  m: 16,
  efConstruction: 200,
  randomSeed: 100,
  efSearch: 200,
  exhaustiveUpTo: 5000,
};

/** Files a saved store consists of, inside its folder. */
export const HNSW_STORE_FILES = {
  graph: "vectors.hnsw",
  docstore: "docstore.json",
} as const;

/** How many extra neighbours to fetch so that ties at the k-th place can be seen. */
const TIE_MARGIN = 8;

const DOCSTORE_FORMAT = "policybot-hnsw-docstore/1";

const JsonValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

const DocstoreSchema = z.object({
  format: z.literal(DOCSTORE_FORMAT),
  space: z.literal("cosine"),
  dimensions: z.number().int().positive(),
  graphBytes: z.number().int().nonnegative(),
  config: z.object({
    m: z.number().int().positive(),
    efConstruction: z.number().int().positive(),
    randomSeed: z.number().int(),
    efSearch: z.number().int().positive(),
    exhaustiveUpTo: z.number().int().nonnegative(),
  }),
  documents: z.array(
    z.object({
      id: z.string().optional(),
      pageContent: z.string(),
      metadata: z.record(z.string(), JsonValue),
    }),
  ),
});

/** Keeps only documents for which this returns true. */
export type HnswFilter = (doc: DocumentInterface) => boolean;

interface StoredDoc {
  readonly id: string | undefined;
  readonly pageContent: string;
  readonly metadata: Record<string, unknown>;
}

/** Throws unless `value` survives JSON unchanged, so that save → load keeps metadata as given. */
function assertJsonPlain(value: unknown, where: string): void {
  if (value === null || typeof value === "string" || typeof value === "boolean") return;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new TypeError(`${where} is ${value}, which JSON cannot store`);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertJsonPlain(v, `${where}[${i}]`));
    return;
  }
  if (typeof value === "object") {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`${where} is a ${proto?.constructor?.name ?? "non-plain object"}; metadata must be plain JSON`);
    }
    for (const [k, v] of Object.entries(value)) assertJsonPlain(v, `${where}.${k}`);
    return;
  }
  throw new TypeError(`${where} is ${typeof value}; metadata must be plain JSON`);
}

/** Vector store over HierarchicalNSW; see the module comment for its guarantees. */
export class HnswVectorStore extends VectorStore {
  declare FilterType: HnswFilter;

  readonly config: HnswStoreConfig;
  private index: Hnsw | undefined;
  private dims: number | undefined;
  private readonly docs: StoredDoc[] = [];

  _vectorstoreType(): string {
    return "hnswlib";
  }

  constructor(embeddings: EmbeddingsInterface, config: Partial<HnswStoreConfig> = {}) {
    super(embeddings, config);
    this.config = { ...HNSW_STORE_DEFAULTS, ...config };
    this.dims = config.numDimensions;
  }

  /** Vector length, once known. */
  get dimensions(): number | undefined {
    return this.dims;
  }

  /** Number of documents in the store. */
  get size(): number {
    return this.docs.length;
  }

  /** The stored documents in insertion order (copies). */
  documents(): Document[] {
    return this.docs.map((d) => this.toDocument(d));
  }

  /** Embeds the documents' text with the store's embeddings and adds them. */
  override async addDocuments(documents: DocumentInterface[]): Promise<string[]> {
    const vectors = await this.embeddings.embedDocuments(documents.map((d) => d.pageContent));
    return this.addVectors(vectors, documents);
  }

  /**
   * Adds precomputed vectors, one per document, in order. Returns each document's id,
   * or its position when it has none.
   * @throws {DimensionMismatchError} when a vector's length differs from the store's.
   * @throws {TypeError} when metadata is not plain JSON or a vector holds non-finite numbers.
   */
  override async addVectors(vectors: number[][], documents: DocumentInterface[]): Promise<string[]> {
    if (vectors.length !== documents.length) {
      throw new TypeError(`addVectors: ${vectors.length} vectors for ${documents.length} documents`);
    }
    if (vectors.length === 0) return [];
    const dims = this.dims ?? vectors[0]!.length;
    const plain = vectors.map((v, i) => {
      if (v.length !== dims) throw new DimensionMismatchError(dims, v.length, `vector ${i}`);
      const arr = Array.from(v);
      if (!arr.every(Number.isFinite)) throw new TypeError(`vector ${i} holds a non-finite number`);
      return arr;
    });
    const stored = documents.map((d, i): StoredDoc => {
      assertJsonPlain(d.metadata ?? {}, `documents[${i}].metadata`);
      return { id: d.id, pageContent: d.pageContent, metadata: structuredClone(d.metadata ?? {}) };
    });

    this.dims = dims;
    const index = this.ensureIndex(dims, this.docs.length + plain.length);
    const ids: string[] = [];
    plain.forEach((v, i) => {
      const label = this.docs.length;
      index.addPoint(v, label);
      this.docs.push(stored[i]!);
      ids.push(stored[i]!.id ?? String(label));
    });
    return ids;
  }

  /**
   * The k nearest documents with their cosine similarity (1 = same direction, higher
   * is closer), best first; ties in insertion order.
   * @throws {DimensionMismatchError} when the query's length differs from the store's.
   */
  override async similaritySearchVectorWithScore(
    query: number[],
    k: number,
    filter?: HnswFilter,
  ): Promise<[Document, number][]> {
    const n = this.docs.length;
    if (!this.index || n === 0 || k <= 0) return [];
    if (query.length !== this.dims) throw new DimensionMismatchError(this.dims!, query.length, "query vector");
    const q = Array.from(query);
    const want = Math.min(Math.floor(k), n);
    const labelFilter = filter ? (label: number) => filter(this.toDocument(this.docs[label]!)) : undefined;

    let fetch = Math.min(n, want + TIE_MARGIN);
    let hits: { label: number; distance: number }[];
    for (;;) {
      const ef = Math.max(this.config.efSearch, fetch, n <= this.config.exhaustiveUpTo ? n : 0);
      this.index.setEf(ef);
      const res = this.index.searchKnn(q, fetch, labelFilter);
      hits = res.neighbors
        .map((label, i) => ({ label, distance: res.distances[i]! }))
        .sort((a, b) => a.distance - b.distance || a.label - b.label);
      // When the k-th hit ties with the last one fetched, more equal hits may lie
      // beyond, and hnswlib picks among them arbitrarily: fetch more.
      const exhausted = hits.length < fetch || fetch >= n;
      if (exhausted || hits.length <= want || hits[want - 1]!.distance !== hits[hits.length - 1]!.distance) break;
      fetch = Math.min(n, fetch * 2);
    }
    return hits.slice(0, want).map((h) => [this.toDocument(this.docs[h.label]!), 1 - h.distance]);
  }

  /**
   * Writes the store's files ({@link HNSW_STORE_FILES}) into `dir`, which must exist.
   * Durability and atomicity are the caller's (see `writeIndex`).
   * @throws {IndexWriteError} when the store is empty of dimensions or writing fails.
   */
  async save(dir: string): Promise<void> {
    const graphPath = path.join(dir, HNSW_STORE_FILES.graph);
    if (this.dims === undefined) {
      throw new IndexWriteError("cannot save a store whose vector dimensions are unknown (add vectors or set numDimensions)", dir);
    }
    const index = this.ensureIndex(this.dims, Math.max(1, this.docs.length));
    // Shrink capacity to the item count so the file holds no empty slots.
    if (index.getMaxElements() !== Math.max(1, this.docs.length)) index.resizeIndex(Math.max(1, this.docs.length));
    try {
      await index.writeIndex(graphPath);
    } catch (cause) {
      throw new IndexWriteError(`could not write ${graphPath}: ${String(cause)}`, graphPath, { cause });
    }
    const graphBytes = (await fs.stat(graphPath)).size;
    const docstore: z.infer<typeof DocstoreSchema> = {
      format: DOCSTORE_FORMAT,
      space: "cosine",
      dimensions: this.dims,
      graphBytes,
      config: {
        m: this.config.m,
        efConstruction: this.config.efConstruction,
        randomSeed: this.config.randomSeed,
        efSearch: this.config.efSearch,
        exhaustiveUpTo: this.config.exhaustiveUpTo,
      },
      documents: this.docs.map((d) => ({
        ...(d.id === undefined ? {} : { id: d.id }),
        pageContent: d.pageContent,
        metadata: d.metadata,
      })),
    };
    await fs.writeFile(path.join(dir, HNSW_STORE_FILES.docstore), JSON.stringify(docstore));
  }

  /**
   * Reads a store saved by {@link save}. This trusts the graph file: hnswlib may
   * misbehave on a damaged one, so load untrusted folders through `openIndex`, which
   * checks every file's checksum first.
   * @throws {IndexLoadError} when a file is missing or does not match the docstore.
   */
  static async load(dir: string, embeddings: EmbeddingsInterface): Promise<HnswVectorStore> {
    const docstorePath = path.join(dir, HNSW_STORE_FILES.docstore);
    const graphPath = path.join(dir, HNSW_STORE_FILES.graph);
    let raw: unknown;
    try {
      raw = JSON.parse(await fs.readFile(docstorePath, "utf8"));
    } catch (cause) {
      throw new IndexLoadError(`${docstorePath}: unreadable (${String(cause)})`, docstorePath, { cause });
    }
    const parsed = DocstoreSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new IndexLoadError(`${docstorePath}: ${issue.path.join(".") || "file"} ${issue.message}`, docstorePath);
    }
    const ds = parsed.data;
    let graphBytes: number;
    try {
      graphBytes = (await fs.stat(graphPath)).size;
    } catch (cause) {
      throw new IndexLoadError(`${graphPath}: missing`, graphPath, { cause });
    }
    if (graphBytes !== ds.graphBytes) {
      throw new IndexLoadError(`${graphPath}: ${graphBytes} bytes, docstore expects ${ds.graphBytes}`, graphPath);
    }

    const store = new HnswVectorStore(embeddings, { ...ds.config, numDimensions: ds.dimensions });
    const index = new HierarchicalNSW("cosine", ds.dimensions);
    try {
      await index.readIndex(graphPath);
    } catch (cause) {
      throw new IndexLoadError(`${graphPath}: hnswlib could not read it (${String(cause)})`, graphPath, { cause });
    }
    if (index.getCurrentCount() !== ds.documents.length) {
      throw new IndexLoadError(
        `${graphPath}: holds ${index.getCurrentCount()} vectors, docstore ${ds.documents.length} documents`,
        graphPath,
      );
    }
    store.index = index;
    for (const d of ds.documents) store.docs.push({ id: d.id, pageContent: d.pageContent, metadata: d.metadata as Record<string, unknown> });
    return store;
  }

  /** Builds a store from documents, embedding their text. */
  static override async fromDocuments(
    docs: DocumentInterface[],
    embeddings: EmbeddingsInterface,
    config: Partial<HnswStoreConfig> = {},
  ): Promise<HnswVectorStore> {
    const store = new HnswVectorStore(embeddings, config);
    await store.addDocuments(docs);
    return store;
  }

  /** Builds a store from texts with one metadata object each (or one shared by all). */
  static override async fromTexts(
    texts: string[],
    metadatas: object[] | object,
    embeddings: EmbeddingsInterface,
    config: Partial<HnswStoreConfig> = {},
  ): Promise<HnswVectorStore> {
    const docs = texts.map(
      (pageContent, i) =>
        new Document({
          pageContent,
          metadata: (Array.isArray(metadatas) ? metadatas[i] : metadatas) as Record<string, unknown>,
        }),
    );
    return HnswVectorStore.fromDocuments(docs, embeddings, config);
  }

  private ensureIndex(dims: number, capacity: number): Hnsw {
    if (!this.index) {
      const index = new HierarchicalNSW("cosine", dims);
      index.initIndex({
        maxElements: Math.max(capacity, 1),
        m: this.config.m,
        efConstruction: this.config.efConstruction,
        randomSeed: this.config.randomSeed,
      });
      this.index = index;
    } else if (this.index.getMaxElements() < capacity) {
      this.index.resizeIndex(Math.max(capacity, this.index.getMaxElements() * 2));
    }
    return this.index;
  }

  private toDocument(d: StoredDoc): Document {
    return new Document({ pageContent: d.pageContent, metadata: structuredClone(d.metadata), id: d.id });
  }
}
