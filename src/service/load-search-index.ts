/**
 * Opens the on-disk index when its manifest matches the corpus and the embedding model,
 * and rebuilds it (atomically, into a new generation) when it is missing, stale or
 * damaged. When the index folder cannot be written, the index lives in memory only.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Corpus } from "../corpus/types.ts";
import { DATA_FILES, INDEX_DATA_FILES, type Vocabulary } from "../lexicon/vocabulary.ts";
import { HnswVectorStore } from "../index/hnsw-vector-store.ts";
import { hashCorpus } from "../index/manifest.ts";
import { openIndex } from "../index/open-index.ts";
import { writeIndex } from "../index/write-index.ts";
import type { Logger } from "../logging/logger.ts";
import { LexicalIndex, type LexicalData } from "../retrieval/lexical-index.ts";
import { buildLexicalParts, type LexicalParts } from "./build-engine.ts";

/** The lexical index's file inside an index generation. */
const LEXICAL_FILE = "lexical.json";

export interface LoadedIndex {
  readonly parts: LexicalParts;
  readonly store: HnswVectorStore;
  readonly builtAt: string;
  /** How the index was obtained, for logs and /about. */
  readonly origin: "opened" | "built" | "built-in-memory";
}

/** A text whose vector fingerprints the model: a retrained model with the same id and size gives another vector. */
const PROBE_TEXT = "中等职业学校与普通高中学生学籍互转";

/** A hash of everything the index is derived from: passages, word lists, and the model's behaviour. */
async function indexInputsHash(corpus: Corpus, parts: LexicalParts, embeddings: EmbeddingsInterface, vocabularyDir: string): Promise<string> {
  const lexicon = INDEX_DATA_FILES.map((f) => readFileSync(path.join(vocabularyDir, DATA_FILES[f]), "utf8"));
  const probe = (await embeddings.embedQuery(PROBE_TEXT)).map((x) => x.toFixed(5));
  return hashCorpus({ passages: parts.passages.map((p) => [p.pageContent, p.metadata]), lexicon, documents: corpus.documents.map((d) => d.meta), probe });
}

/** Opens or builds the index for a corpus with the given embeddings (model id and dimensions known). */
export async function loadSearchIndex(
  corpus: Corpus,
  indexDir: string,
  embeddings: EmbeddingsInterface,
  model: { id: string; dimensions: number },
  logger: Logger,
  lexicon: { readonly vocabulary: Vocabulary; readonly dir: string },
): Promise<LoadedIndex> {
  const fresh = buildLexicalParts(corpus, lexicon.vocabulary);
  const corpusHash = await indexInputsHash(corpus, fresh, embeddings, lexicon.dir);
  const expected = { model: model.id, dimensions: model.dimensions, corpusHash };
  const opened = await openIndex(indexDir, expected, embeddings);
  if (opened.status === "ok") {
    const raw = opened.payloads.get(LEXICAL_FILE);
    if (raw) {
      const lexical = LexicalIndex.fromJSON(JSON.parse(raw.toString("utf8")) as LexicalData);
      return { parts: { ...fresh, lexical }, store: opened.store, builtAt: opened.manifest.builtAt, origin: "opened" };
    }
    logger.warn(`index in ${indexDir} has no ${LEXICAL_FILE}; rebuilding`);
  } else if (opened.status === "missing") {
    logger.info(`no index yet in ${indexDir}; building it`);
  } else {
    logger.warn(`index in ${indexDir} is ${opened.status} (${opened.reason}); rebuilding`);
  }

  const started = performance.now();
  const store = await HnswVectorStore.fromDocuments(fresh.passages, embeddings);
  const builtAt = new Date();
  try {
    await writeIndex(indexDir, {
      store,
      embedding: { model: model.id, dimensions: model.dimensions },
      corpusHash,
      payloads: { [LEXICAL_FILE]: JSON.stringify(fresh.lexical.toJSON()) },
      builtAt,
    }, { logger });
    logger.info(`index built in ${Math.round(performance.now() - started)} ms (${fresh.passages.length} passages) and saved to ${indexDir}`);
    return { parts: fresh, store, builtAt: builtAt.toISOString(), origin: "built" };
  } catch (err) {
    logger.warn(`index could not be saved to ${indexDir} (${(err as Error).message}); using it from memory. Set POLICYBOT_INDEX_DIR to a writable folder.`);
    return { parts: fresh, store, builtAt: builtAt.toISOString(), origin: "built-in-memory" };
  }
}
