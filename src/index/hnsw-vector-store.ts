/**
 * A LangChain vector store over an HNSW graph (hnsw-graph.ts, cosine space), with the
 * documents kept beside the graph in a docstore of JSON Lines (one line per document,
 * so no single string grows with the store). Citation data lives in each document's
 * metadata and is stored and returned exactly as given.
 *
 * Search is deterministic (see HnswGraph): equal scores always come back in insertion order.
 * The bot's own index does not use this class (its search reads the graph directly and
 * its documents come from the saved corpus); it is the LangChain face of the same graph.
 */
import { createReadStream, promises as fs } from "node:fs";
import path from "node:path";
import readline from "node:readline";
import { Document, type DocumentInterface } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { VectorStore } from "@langchain/core/vectorstores";
import * as z from "../util/zod.ts";
import { DimensionMismatchError, IndexLoadError, IndexWriteError } from "./errors.ts";
import { HNSW_DEFAULTS, HnswGraph, type HnswConfig } from "./hnsw-graph.ts";
import { HnswConfigSchema } from "./manifest.ts";

/** Tuning of the graph and the search, and optionally the vector length. */
export interface HnswStoreConfig extends HnswConfig {
  /** Vector length; taken from the first vectors added when not given. */
  readonly numDimensions?: number;
}

/** Files a saved store consists of, inside its folder. */
export const HNSW_STORE_FILES = {
  graph: "vectors.hnsw",
  docstore: "docstore.jsonl",
} as const;

const DOCSTORE_FORMAT = "policybot-hnsw-docstore/2";

const JsonValue: z.ZodMiniType<unknown> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(JsonValue), z.record(z.string(), JsonValue)]),
);

/** The docstore's first line. */
const DocstoreHeader = z.object({
  format: z.literal(DOCSTORE_FORMAT),
  space: z.literal("cosine"),
  dimensions: z.int().check(z.positive()),
  graphBytes: z.int().check(z.nonnegative()),
  count: z.int().check(z.nonnegative()),
  config: HnswConfigSchema,
});

/** Every further line: one document. */
const DocstoreLine = z.object({
  id: z.optional(z.string()),
  pageContent: z.string(),
  metadata: z.record(z.string(), JsonValue),
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

/** Vector store over an HNSW graph; see the module comment for its guarantees. */
export class HnswVectorStore extends VectorStore {
  declare FilterType: HnswFilter;

  readonly config: HnswConfig;
  private graph: HnswGraph | undefined;
  private dims: number | undefined;
  private readonly docs: StoredDoc[] = [];

  _vectorstoreType(): string {
    return "hnswlib";
  }

  constructor(embeddings: EmbeddingsInterface, config: Partial<HnswStoreConfig> = {}) {
    super(embeddings, config);
    const { numDimensions, ...rest } = config;
    this.config = { ...HNSW_DEFAULTS, ...rest };
    this.dims = numDimensions;
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
    vectors.forEach((v, i) => {
      if (v.length !== dims) throw new DimensionMismatchError(dims, v.length, `vector ${i}`);
      if (!v.every(Number.isFinite)) throw new TypeError(`vector ${i} holds a non-finite number`);
    });
    const stored = documents.map((d, i): StoredDoc => {
      assertJsonPlain(d.metadata ?? {}, `documents[${i}].metadata`);
      return { id: d.id, pageContent: d.pageContent, metadata: structuredClone(d.metadata ?? {}) };
    });
    this.dims = dims;
    this.graph ??= HnswGraph.create(dims, this.config, vectors.length);
    const first = this.graph.add(vectors);
    this.docs.push(...stored);
    return stored.map((d, i) => d.id ?? String(first + i));
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
    if (!this.graph || this.docs.length === 0 || k <= 0) return [];
    const labelFilter = filter ? (label: number) => filter(this.toDocument(this.docs[label]!)) : undefined;
    return this.graph.search(query, k, labelFilter).map((h) => [this.toDocument(this.docs[h.label]!), 1 - h.distance]);
  }

  /**
   * Writes the store's files ({@link HNSW_STORE_FILES}) into `dir`, which must exist.
   * @throws {IndexWriteError} when the store is empty of dimensions or writing fails.
   */
  async save(dir: string): Promise<void> {
    const graphPath = path.join(dir, HNSW_STORE_FILES.graph);
    if (this.dims === undefined) {
      throw new IndexWriteError("cannot save a store whose vector dimensions are unknown (add vectors or set numDimensions)", dir);
    }
    const graph = (this.graph ??= HnswGraph.create(this.dims, this.config, 1));
    await graph.save(graphPath);
    const header: z.infer<typeof DocstoreHeader> = {
      format: DOCSTORE_FORMAT,
      space: "cosine",
      dimensions: this.dims,
      graphBytes: (await fs.stat(graphPath)).size,
      count: this.docs.length,
      config: { ...this.config },
    };
    const file = await fs.open(path.join(dir, HNSW_STORE_FILES.docstore), "w");
    try {
      await file.write(JSON.stringify(header) + "\n");
      for (const d of this.docs) {
        await file.write(
          JSON.stringify({ ...(d.id === undefined ? {} : { id: d.id }), pageContent: d.pageContent, metadata: d.metadata }) + "\n",
        );
      }
    } finally {
      await file.close();
    }
  }

  /**
   * Reads a store saved by {@link save}. This trusts the graph file: hnswlib may
   * misbehave on a damaged one, so check untrusted folders' checksums first.
   * @throws {IndexLoadError} when a file is missing or does not match the docstore.
   */
  static async load(dir: string, embeddings: EmbeddingsInterface): Promise<HnswVectorStore> {
    const docstorePath = path.join(dir, HNSW_STORE_FILES.docstore);
    const graphPath = path.join(dir, HNSW_STORE_FILES.graph);
    const fail = (what: string, cause?: unknown): never => {
      throw new IndexLoadError(`${docstorePath}: ${what}`, docstorePath, { cause });
    };
    let header: z.infer<typeof DocstoreHeader> | undefined;
    const docs: StoredDoc[] = [];
    try {
      const lines = readline.createInterface({ input: createReadStream(docstorePath, "utf8"), crlfDelay: Infinity });
      for await (const line of lines) {
        if (line === "") continue;
        let raw: unknown;
        try {
          raw = JSON.parse(line);
        } catch (cause) {
          fail(`line ${docs.length + 1 + (header ? 1 : 0)} is not JSON`, cause);
        }
        const parsed = (header ? DocstoreLine : DocstoreHeader).safeParse(raw);
        if (!parsed.success) {
          const issue = parsed.error.issues[0]!;
          fail(`${header ? `document ${docs.length}` : "header"}: ${issue.path.join(".") || "line"} ${issue.message}`);
        }
        if (!header) header = parsed.data as z.infer<typeof DocstoreHeader>;
        else {
          const d = parsed.data as z.infer<typeof DocstoreLine>;
          docs.push({ id: d.id, pageContent: d.pageContent, metadata: d.metadata as Record<string, unknown> });
        }
      }
    } catch (cause) {
      if (cause instanceof IndexLoadError) throw cause;
      fail(`unreadable (${String(cause)})`, cause);
    }
    if (!header) return fail("empty");
    if (docs.length !== header.count) fail(`holds ${docs.length} documents, its header says ${header.count}`);
    let graphBytes: number;
    try {
      graphBytes = (await fs.stat(graphPath)).size;
    } catch (cause) {
      throw new IndexLoadError(`${graphPath}: missing`, graphPath, { cause });
    }
    if (graphBytes !== header.graphBytes) {
      throw new IndexLoadError(`${graphPath}: ${graphBytes} bytes, docstore expects ${header.graphBytes}`, graphPath);
    }
    const store = new HnswVectorStore(embeddings, { ...header.config, numDimensions: header.dimensions });
    const graph = await HnswGraph.load(graphPath, header.dimensions, header.config, docs.length);
    store.graph = docs.length > 0 ? graph : undefined;
    store.docs.push(...docs);
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

  private toDocument(d: StoredDoc): Document {
    return new Document({ pageContent: d.pageContent, metadata: structuredClone(d.metadata), id: d.id });
  }
}
