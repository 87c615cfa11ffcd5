/**
 * Builds a new index generation from the seeds folder: parse, split into passages, the
 * lexical index and substring frequencies, embed the passages in batches into the HNSW
 * graph, write everything atomically (index/write-index.ts). It runs in a child process
 * (index-build-process.ts): nothing here shares state with the process answering questions,
 * which opens the result from disk when it is done.
 */
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Settings } from "../config/settings.ts";
import { responsibleNames } from "../corpus/corpus-units.ts";
import { loadCorpus } from "../corpus/load-corpus.ts";
import type { IngestProblem } from "../corpus/types.ts";
import { createEmbeddings } from "../embeddings/transformers-embeddings.ts";
import type { HnswConfig } from "../index/hnsw-graph.ts";
import { VectorShards } from "../index/vector-shards.ts";
import { fingerprintSeeds } from "../index/source-fingerprint.ts";
import { writeIndex } from "../index/write-index.ts";
import { loadVocabulary } from "../lexicon/vocabulary.ts";
import type { Logger } from "../logging/logger.ts";
import { LexicalIndex } from "../retrieval/lexical-index.ts";
import { PassageTable } from "../retrieval/passage-table.ts";
import { SubstringFrequency } from "../retrieval/substring-frequency.ts";
import { dictionaryText, KEPT_WORD_FREQUENCY } from "../retrieval/jieba-dictionary.ts";
import { SegmenterDictionary } from "../retrieval/segmenter.ts";
import { keptWords } from "../retrieval/text-analysis.ts";
import { analyzerFor } from "./assemble-engine.ts";
import { indexInputsHash } from "./index-inputs.ts";
import { encodeSearchIndex } from "./search-index-files.ts";

/** What to build from and where to. Plain data: it is sent to the build's child process. */
export interface BuildRequest {
  readonly seedsDir: string;
  readonly indexDir: string;
  /** The data folder: the word lists that shape the index (settings.vocabularyDir). */
  readonly vocabularyDir: string;
  readonly embedding: Settings["embedding"];
  /** Graph settings other than the defaults (the scale benchmark tunes them). */
  readonly hnsw?: Partial<HnswConfig>;
}

/** What a build made. Plain data. */
export interface BuildResult {
  /** Index root the generation went live in: the configured one, or a temporary one when that could not be written. */
  readonly indexDir: string;
  readonly temporary: boolean;
  readonly generation: string;
  /** What the index was built from (see indexInputsHash). */
  readonly inputsHash: string;
  readonly documents: number;
  readonly items: number;
  readonly passages: number;
  readonly problems: readonly IngestProblem[];
  /** Milliseconds per stage. */
  readonly timings: Readonly<Record<"parse" | "lexical" | "frequency" | "vectors" | "write", number>>;
}

/** No seed file could be read: there is nothing to index (the old index stays). */
export class NoCircularsError extends Error {
  override readonly name = "NoCircularsError";
  constructor(readonly seedsDir: string) {
    super(`No circulars could be loaded from ${seedsDir}; see the messages above.`);
  }
}

/** Passages embedded and added to the graph per step. */
const EMBED_BATCH = 256;

export async function buildSearchIndex(request: BuildRequest, logger: Logger): Promise<BuildResult> {
  const clock = stageClock();
  // Fingerprinted before parsing: a file changed during the build then looks changed at the next start.
  const seeds = await fingerprintSeeds(request.seedsDir);
  const corpus = await loadCorpus(request.seedsDir);
  for (const p of corpus.problems) logger[p.severity === "warning" ? "warn" : p.severity](p.message);
  if (corpus.documents.length === 0) throw new NoCircularsError(request.seedsDir);
  const embeddings = createEmbeddings(request.embedding, logger);
  const model = await embeddings.activeModel();
  const inputsHash = await indexInputsHash(seeds, embeddings, request.vocabularyDir);
  const lexicon = loadVocabulary(request.vocabularyDir);
  const analyzer = await analyzerFor(corpus, lexicon);
  const segmenter = SegmenterDictionary.build(
    await dictionaryText(),
    keptWords(lexicon, responsibleNames(corpus)).map((w) => [w, KEPT_WORD_FREQUENCY] as const),
  );
  const passages = PassageTable.build(corpus);
  const parse = clock();
  logger.info(`index build: ${corpus.documents.length} documents parsed into ${passages.items.length} items, ${passages.size} passages`, {
    ms: parse,
  });

  const lexical = LexicalIndex.build(passages.texts(), analyzer);
  const lexicalMs = clock();
  const frequency = SubstringFrequency.ofItems(passages.items);
  const frequencyMs = clock();
  logger.info("index build: lexical index and substring frequencies done", { lexicalMs, frequencyMs });

  const graph = VectorShards.create(model.dimensions, request.hnsw);
  for (let at = 0; at < passages.size; at += EMBED_BATCH) {
    graph.add(await embeddings.embedDocuments([...passages.texts(at, Math.min(passages.size, at + EMBED_BATCH))]));
  }
  const vectors = clock();
  logger.info(`index build: ${passages.size} passages embedded and linked into the vector graph`, { ms: vectors });

  const input = {
    vectors: graph,
    embedding: { model: model.id, dimensions: model.dimensions },
    inputsHash,
    payloads: encodeSearchIndex({ corpus, passages, lexical, frequency, segmenter, sources: seeds }),
  };
  let indexDir = request.indexDir;
  let temporary = false;
  let written;
  try {
    written = await writeIndex(indexDir, input, { logger });
  } catch (err) {
    indexDir = await mkdtemp(path.join(os.tmpdir(), "policybot-index-"));
    temporary = true;
    logger.warn(
      `index could not be saved to ${request.indexDir} (${(err as Error).message}); using a temporary copy in ${indexDir}. ` +
        "Set POLICYBOT_INDEX_DIR to a writable folder.",
    );
    written = await writeIndex(indexDir, input, { logger });
  }
  const write = clock();
  return {
    indexDir,
    temporary,
    generation: written.generation,
    inputsHash,
    documents: corpus.documents.length,
    items: passages.items.length,
    passages: passages.size,
    problems: corpus.problems,
    timings: { parse, lexical: lexicalMs, frequency: frequencyMs, vectors, write },
  };
}

/** Each call returns the milliseconds since the previous one. */
function stageClock(): () => number {
  let last = performance.now();
  return () => {
    const now = performance.now();
    const ms = now - last;
    last = now;
    return Math.round(ms);
  };
}
