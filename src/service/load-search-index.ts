/**
 * Opens the on-disk index when it was built from the seeds, word lists, model and code
 * of now (index-inputs.ts), without parsing a seed: the corpus, passages, lexical index
 * and frequencies are read back as saved. When it is missing, stale or damaged, a child
 * process builds a new generation (build-in-child-process.ts), which is then opened the same way;
 * this thread keeps answering meanwhile and only ever holds the event loop for short slices.
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { IngestProblem } from "../corpus/types.ts";
import { VectorShards, type VectorSearch } from "../index/vector-shards.ts";
import type { IndexManifest } from "../index/manifest.ts";
import { WorkerVectors } from "../retrieval/worker-vectors.ts";
import { openIndex, readListedFile, readLiveGeneration, type ExpectedIndex } from "../index/open-index.ts";
import { fingerprintSeeds, type SourceFile } from "../index/source-fingerprint.ts";
import type { Logger } from "../logging/logger.ts";
import { loadVocabulary } from "../lexicon/vocabulary.ts";
import { TextAnalyzer } from "../retrieval/text-analysis.ts";
import type { LexicalParts } from "./assemble-engine.ts";
import { buildInChildProcess } from "./build-in-child-process.ts";
import type { BuildRequest } from "./build-search-index.ts";
import { indexInputsHash } from "./index-inputs.ts";
import { decodeSearchIndex, decodeSources, INDEX_FILES, ON_DISK } from "./search-index-files.ts";

export interface LoadedIndex<T = undefined> {
  readonly parts: LexicalParts;
  readonly graph: VectorSearch;
  readonly builtAt: string;
  /** How the index was obtained, for logs and /about. */
  readonly origin: "opened" | "built" | "built-temporary";
  /** What parsing the seeds reported when the index was built. */
  readonly problems: readonly IngestProblem[];
  /** What `whileGraphLoads` built. */
  readonly prepared: T;
}

/**
 * What to build from the decoded parts while hnswlib still loads the vectors (the engine:
 * at 10,000 circulars the graphs take longer to load than the rest to decode); `graph`
 * resolves once they are loaded, which happens before the index is handed out.
 */
export type WhileGraphLoads<T> = (parts: LexicalParts, graph: Promise<VectorSearch>, builtAt: string) => Promise<T>;

/**
 * Indexes of this many vectors (one per passage; about 800 circulars) or more are loaded
 * and searched by a worker thread (retrieval/worker-vectors.ts), as their words and bigrams
 * are ranked by two others (LEXICAL_IN_WORKERS_FROM, for the same reason: below, a search
 * costs about what a message there and back does). At 2,000 circulars, first asks alternating between the
 * two in one process: the answering thread was busy 7.7 against 9.9 ms and 8.9 against
 * 11.8 ms a question, and answers took 10.1 against 10.6 and 11.2 against 12.4 ms.
 */
export const VECTORS_IN_WORKER_FROM = 30_000;

/** Loads a generation's graphs: into a worker from `workerFrom` vectors on, else into this thread. */
export function loadGraph(dir: string, manifest: IndexManifest, workerFrom = VECTORS_IN_WORKER_FROM): Promise<VectorSearch> {
  const data = { dir, dimensions: manifest.embedding.dimensions, config: manifest.hnsw, counts: manifest.shards };
  const vectors = manifest.shards.reduce((n, c) => n + c, 0);
  return vectors >= workerFrom ? WorkerVectors.open(data) : VectorShards.load(data.dir, data.dimensions, data.config, data.counts);
}

/** The model the vectors must come from. */
export interface ActiveModelInfo {
  readonly id: string;
  readonly dimensions: number;
}

/** Opens the index of `request.indexDir` when current, else builds one off this thread and opens it. */
export async function loadSearchIndex<T = undefined>(
  request: BuildRequest,
  embeddings: EmbeddingsInterface,
  model: ActiveModelInfo,
  logger: Logger,
  whileGraphLoads?: WhileGraphLoads<T>,
): Promise<LoadedIndex<T>> {
  const { indexDir } = request;
  const live = await readLiveGeneration(indexDir);
  let previous: SourceFile[] = [];
  if (live.status === "ok") {
    const saved = await readListedFile(indexDir, live, INDEX_FILES.sources);
    previous = (saved.status === "ok" && saved.data && decodeSources(saved.data)) || [];
  }
  const seeds = await fingerprintSeeds(request.seedsDir, previous);
  const expected = {
    model: model.id,
    dimensions: model.dimensions,
    inputsHash: await indexInputsHash(seeds, embeddings, request.vocabularyDir),
  };

  const opened = await openSavedIndex(indexDir, expected, request.vocabularyDir, whileGraphLoads);
  if (opened.status === "ok") {
    for (const p of opened.problems) logger[p.severity === "warning" ? "warn" : p.severity](p.message);
    return { ...opened, origin: "opened" };
  }
  if (opened.status === "missing") logger.info(`no index yet in ${indexDir}; building it`);
  else logger.warn(`index in ${indexDir} is ${opened.status} (${opened.reason}); rebuilding`);

  const started = performance.now();
  const built = await buildInChildProcess(request, logger);
  const where = built.temporary ? `a temporary folder, ${built.indexDir}` : built.indexDir;
  logger.info(`index built in ${Math.round(performance.now() - started)} ms (${built.passages} passages) and saved to ${where}`, {
    ...built.timings,
  });
  if (built.inputsHash !== expected.inputsHash) {
    // The build read the seeds or the model files as they are now; this process embeds questions with the model it loaded at start.
    logger.warn(
      "the seeds or the embedding model changed while the index was built; a restart makes sure questions are embedded by the same model",
    );
  }
  const fresh = await openSavedIndex(built.indexDir, { ...expected, inputsHash: built.inputsHash }, request.vocabularyDir, whileGraphLoads);
  if (fresh.status !== "ok") throw new Error(`the index just built in ${built.indexDir} does not open: ${fresh.reason}`);
  return { ...fresh, origin: built.temporary ? "built-temporary" : "built" };
}

type Opened<T> = {
  status: "ok";
  parts: LexicalParts;
  graph: VectorSearch;
  builtAt: string;
  problems: readonly IngestProblem[];
  prepared: T;
};

/**
 * Verifies, loads and decodes the live generation of `indexDir`, built for `expected`
 * (see indexInputsHash); a file that does not decode makes it corrupt. Never builds.
 */
export async function openSavedIndex<T = undefined>(
  indexDir: string,
  expected: ExpectedIndex,
  vocabularyDir: string,
  whileGraphLoads?: WhileGraphLoads<T>,
): Promise<Opened<T> | { status: "missing" | "stale" | "corrupt"; reason: string }> {
  const opened = await openIndex(indexDir, expected, {
    inMemory: (name) => !ON_DISK.has(name),
    loadGraph,
    // Decoded while hnswlib loads the vectors on other threads (half of a large start).
    prepare: async (verified, graph) => {
      const saved = await decodeSearchIndex(verified.payloads, verified.dir);
      const vocabulary = loadVocabulary(vocabularyDir);
      // Questions are cut by jieba holding only the words they contain (segmenter.ts): no dictionary load here.
      const analyzer = new TextAnalyzer(vocabulary, saved.segmenter.segmenter());
      const { corpus, passages, lexical, frequency } = saved;
      const parts: LexicalParts = { corpus, vocabulary, analyzer, passages, lexical, frequency };
      return { parts, prepared: (await whileGraphLoads?.(parts, graph, verified.manifest.builtAt)) as T };
    },
  });
  if (opened.status !== "ok") return opened;
  const { parts, prepared } = opened.prepared;
  if (opened.graph.size !== parts.passages.size) {
    return { status: "corrupt", reason: `${opened.generation}: ${opened.graph.size} vectors for ${parts.passages.size} passages` };
  }
  return {
    status: "ok",
    parts,
    graph: opened.graph,
    builtAt: opened.manifest.builtAt,
    problems: parts.corpus.problems,
    prepared,
  };
}
