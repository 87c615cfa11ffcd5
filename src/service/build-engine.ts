/**
 * Builds the search-and-answer stack from a seeds folder: corpus → passages → lexical
 * and vector indexes → retriever → answerer.
 */
import type { Document } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { VectorStoreInterface } from "@langchain/core/vectorstores";
import { ConceptExtractor } from "../answer/question-concepts.ts";
import { Contrasts } from "../answer/contrasts.ts";
import { ExtractiveAnswerer } from "../answer/extractive-answerer.ts";
import { UnitNames } from "../answer/unit-names.ts";
import type { Corpus } from "../corpus/types.ts";
import { HybridRetriever, type RetrievalOptions } from "../retrieval/hybrid-retriever.ts";
import { LexicalIndex } from "../retrieval/lexical-index.ts";
import { loadLexicon, type Lexicon } from "../retrieval/lexicon.ts";
import { buildPassages, type PassageMetadata } from "../retrieval/passages.ts";
import { normalizeText, TextAnalyzer } from "../retrieval/text-analysis.ts";
import type { Engine } from "./qa-service.ts";

/** The dense half of search, when available. */
export interface DenseParts {
  readonly store: VectorStoreInterface;
  readonly embeddings: EmbeddingsInterface;
  readonly modelId: string;
}

/** Everything derived from the corpus that does not need the embedding model. */
export interface LexicalParts {
  readonly corpus: Corpus;
  readonly lexicon: Lexicon;
  readonly analyzer: TextAnalyzer;
  readonly passages: Document<PassageMetadata>[];
  readonly lexical: LexicalIndex;
}

/** Unit names of the corpus, which jieba must keep whole. */
function unitTerms(corpus: Corpus): string[] {
  return [...new Set(corpus.documents.flatMap((d) => d.items.flatMap((i) => i.responsible ?? [])))];
}

/** Builds analyzer, passages and the lexical index (or takes a saved lexical index). */
export function buildLexicalParts(corpus: Corpus, saved?: LexicalIndex): LexicalParts {
  const lexicon = loadLexicon();
  const analyzer = new TextAnalyzer(lexicon, unitTerms(corpus));
  const passages = buildPassages(corpus);
  const lexical = saved ?? LexicalIndex.build(passages, analyzer);
  return { corpus, lexicon, analyzer, passages, lexical };
}

/** Assembles retriever and answerer over built parts. */
export function assembleEngine(parts: LexicalParts, dense: DenseParts | undefined, builtAt: string, options?: Partial<RetrievalOptions>): Engine {
  const { corpus, lexicon, analyzer, passages, lexical } = parts;
  const retriever = new HybridRetriever({ corpus, passages, analyzer, lexical, dense, options });
  const texts = corpus.documents.flatMap((d) => d.items.map((i) => normalizeText([d.meta.title, ...i.path, i.text].join(" ")).replace(/\s+/g, "")));
  const dfCache = new Map<string, number>();
  const df = (term: string) => {
    const t = normalizeText(term).replace(/\s+/g, "");
    let n = dfCache.get(t);
    if (n === undefined) {
      n = texts.reduce((acc, text) => acc + (text.includes(t) ? 1 : 0), 0);
      dfCache.set(t, n);
    }
    return n;
  };
  const concepts = new ConceptExtractor(analyzer, lexicon, df, texts.length);
  const answerer = new ExtractiveAnswerer({ corpus, units: UnitNames.load(corpus), concepts, contrasts: Contrasts.load() });
  const items = corpus.documents.reduce((n, d) => n + d.items.length, 0);
  return { corpus, retriever, answerer, embeddingModel: dense?.modelId ?? "none (lexical only)", builtAt, items };
}
