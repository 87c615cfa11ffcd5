/**
 * Assembles the search-and-answer stack from a parsed corpus: passages and the lexical
 * index, the retriever, and the answer stage (question analysis, kinds, decision).
 */
import type { Document } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { VectorStoreInterface } from "@langchain/core/vectorstores";
import { Answerer } from "../answer/answer-question.ts";
import { Contrasts } from "../answer/contrasts.ts";
import type { DecisionModel } from "../answer/decide/decision-model.ts";
import type { KindContext } from "../answer/kinds/kind.ts";
import { QuestionAnalyser } from "../answer/question/analyse-question.ts";
import { ConceptExtractor } from "../answer/question/concepts.ts";
import { DocumentFinder } from "../answer/question/documents.ts";
import { HomophoneMatcher } from "../answer/question/homophones.ts";
import { Measures } from "../answer/question/measures.ts";
import { UnitNames } from "../answer/unit-names.ts";
import type { Corpus, ParsedDocument } from "../corpus/types.ts";
import type { Vocabulary } from "../lexicon/vocabulary.ts";
import { HybridRetriever, type RetrievalOptions } from "../retrieval/hybrid-retriever.ts";
import { LexicalIndex } from "../retrieval/lexical-index.ts";
import { buildPassages, type PassageMetadata } from "../retrieval/passages.ts";
import { TextAnalyzer } from "../retrieval/text-analysis.ts";
import { bigramSet } from "../text/bigrams.ts";
import { squash } from "../text/normalize.ts";
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
  readonly vocabulary: Vocabulary;
  readonly analyzer: TextAnalyzer;
  readonly passages: Document<PassageMetadata>[];
  readonly lexical: LexicalIndex;
}

/** Unit names of the corpus, which jieba must keep whole. */
function unitTerms(corpus: Corpus): string[] {
  return [...new Set(corpus.documents.flatMap((d) => d.items.flatMap((i) => i.responsible ?? [])))];
}

/** Builds analyzer, passages and the lexical index (or takes a saved lexical index). */
export function buildLexicalParts(corpus: Corpus, vocabulary: Vocabulary, saved?: LexicalIndex): LexicalParts {
  const analyzer = new TextAnalyzer(vocabulary, unitTerms(corpus));
  const passages = buildPassages(corpus);
  const lexical = saved ?? LexicalIndex.build(passages, analyzer);
  return { corpus, vocabulary, analyzer, passages, lexical };
}

/** Titles of a document's attachments: the short unnumbered line right before its attachment items (日常工作). */
function appendixNames(doc: ParsedDocument): string[] {
  const out: string[] = [];
  doc.items.forEach((item, i) => {
    const next = doc.items[i + 1];
    if (item.label === null && next?.kind === "appendix" && item.text.length <= 20) out.push(item.text.replace(/^附件\s*\d*\s*/, "").trim());
  });
  return out.filter((n) => n !== "");
}

/**
 * How many items contain a text (squashed), cached per term. A full scan per new term is
 * fine for a few hundred items; the index layer replaces it at scale.
 */
function itemFrequency(corpus: Corpus): { df: (term: string) => number; total: number; texts: readonly string[] } {
  const texts = corpus.documents.flatMap((d) => d.items.map((i) => squash([d.meta.title, ...i.path, i.text].join(" "))));
  const cache = new Map<string, number>();
  const df = (term: string) => {
    const t = squash(term);
    let n = cache.get(t);
    if (n === undefined) {
      n = t === "" ? 0 : texts.reduce((acc, text) => acc + (text.includes(t) ? 1 : 0), 0);
      cache.set(t, n);
    }
    return n;
  };
  return { df, total: texts.length, texts };
}

/** Assembles retriever, question analysis and answer stage over built parts. */
export function assembleEngine(
  parts: LexicalParts,
  dense: DenseParts | undefined,
  builtAt: string,
  decision: DecisionModel,
  options?: Partial<RetrievalOptions>,
): Engine {
  const { corpus, vocabulary, analyzer, passages, lexical } = parts;
  const retriever = new HybridRetriever({ corpus, passages, analyzer, lexical, dense, options });
  const stats = itemFrequency(corpus);
  const units = UnitNames.of(vocabulary.units, corpus);
  const inCorpus = (t: string) => stats.df(t) > 0;
  const measures = new Measures(vocabulary.measures);
  const kinds: KindContext = {
    corpus,
    documents: new Map(corpus.documents.map((d) => [d.meta.file, d])),
    vocabulary,
    units,
    measures,
    contrasts: new Contrasts(vocabulary.contrasts),
    appendixNames,
    inCorpus,
  };
  const concepts = new ConceptExtractor({
    words: (t) => analyzer.words(t),
    startsWordIn: (text, term) => analyzer.startsWordIn(text, term),
    vocabulary,
    df: stats.df,
    total: stats.total,
  });
  const knownChars = new Set(stats.texts.join(""));
  const homophones = new HomophoneMatcher({
    contains: inCorpus,
    bigrams: () => new Set(stats.texts.flatMap((t) => [...bigramSet(t)])),
  });
  const analyser = new QuestionAnalyser({
    vocabulary,
    corpus,
    concepts,
    homophones,
    documents: new DocumentFinder(corpus.documents),
    measures,
    units,
    kinds,
    knownChars,
    inCorpus,
    appendixNames,
  });
  const answerer = new Answerer({ ctx: kinds, decision, stats });
  const items = corpus.documents.reduce((n, d) => n + d.items.length, 0);
  return { corpus, retriever, analyser, answerer, embeddingModel: dense?.modelId ?? "none (lexical only)", builtAt, items };
}
