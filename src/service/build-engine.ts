/**
 * Assembles the search-and-answer stack from built or loaded parts: corpus, passages,
 * lexical and vector indexes → retriever → answerer.
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { ConceptExtractor } from "../answer/question-concepts.ts";
import { Contrasts } from "../answer/contrasts.ts";
import { ExtractiveAnswerer } from "../answer/extractive-answerer.ts";
import { UnitNames } from "../answer/unit-names.ts";
import type { Corpus } from "../corpus/types.ts";
import type { VectorShards } from "../index/vector-shards.ts";
import { HybridRetriever, type RetrievalOptions } from "../retrieval/hybrid-retriever.ts";
import type { LexicalIndex } from "../retrieval/lexical-index.ts";
import type { Lexicon } from "../retrieval/lexicon.ts";
import type { PassageTable } from "../retrieval/passage-table.ts";
import type { SubstringFrequency } from "../retrieval/substring-frequency.ts";
import { TextAnalyzer } from "../retrieval/text-analysis.ts";
import type { Engine } from "./qa-service.ts";

/** The dense half of search, when available: the passages' vectors (label = passage number). */
export interface DenseParts {
  readonly graph: VectorShards;
  readonly embeddings: EmbeddingsInterface;
  readonly modelId: string;
}

/** Everything derived from the corpus that does not need the embedding model. */
export interface LexicalParts {
  readonly corpus: Corpus;
  readonly lexicon: Lexicon;
  readonly analyzer: TextAnalyzer;
  readonly passages: PassageTable;
  readonly lexical: LexicalIndex;
  /** How many items contain a term (for weighing question concepts). */
  readonly frequency: SubstringFrequency;
}

/** Unit names of the corpus, which jieba must keep whole. */
export function unitTerms(corpus: Corpus): string[] {
  return [...new Set(corpus.documents.flatMap((d) => d.items.flatMap((i) => i.responsible ?? [])))];
}

/** The analyzer for building an index over a corpus: jieba's whole dictionary, keeping the lexicon's domain terms and the corpus's unit names whole. */
export function analyzerFor(corpus: Corpus, lexicon: Lexicon): Promise<TextAnalyzer> {
  return TextAnalyzer.create(lexicon, unitTerms(corpus));
}

/** Assembles retriever and answerer over built parts. */
export function assembleEngine(parts: LexicalParts, dense: DenseParts | undefined, builtAt: string, options?: Partial<RetrievalOptions>): Engine {
  const { corpus, lexicon, analyzer, passages, lexical, frequency } = parts;
  const retriever = new HybridRetriever({ corpus, passages, analyzer, lexical, dense, options });
  const concepts = new ConceptExtractor(analyzer, lexicon, (term) => frequency.df(term), frequency.total);
  const answerer = new ExtractiveAnswerer({ corpus, units: UnitNames.load(corpus), concepts, contrasts: Contrasts.load() });
  return { corpus, retriever, answerer, embeddingModel: dense?.modelId ?? "none (lexical only)", builtAt, items: passages.items.length };
}
