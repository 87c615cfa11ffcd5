/**
 * The lexical side of search: BM25 over jieba words and BM25 over character bigrams,
 * built over the same passages as the vector index.
 */
import type { Document } from "@langchain/core/documents";
import { Bm25Index, type Bm25Data } from "./bm25.ts";
import type { PassageMetadata } from "./passages.ts";
import type { TextAnalyzer } from "./text-analysis.ts";

/** Serialised form, stored in the index folder. */
export interface LexicalData {
  readonly words: Bm25Data;
  readonly bigrams: Bm25Data;
}

/** Passage indices ranked by each lexical family, best first, with their scores. */
export interface LexicalRanking {
  readonly words: { index: number; score: number }[];
  readonly bigrams: { index: number; score: number }[];
  /** Passages by the share of the query's bigrams they contain (see Bm25Index.coverage). */
  readonly coverage: { index: number; score: number }[];
}

function ranked(scores: Float64Array, limit: number): { index: number; score: number }[] {
  const out: { index: number; score: number }[] = [];
  scores.forEach((score, index) => {
    if (score > 0) out.push({ index, score });
  });
  // Ties keep passage order so results are deterministic.
  return out.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, limit);
}

export class LexicalIndex {
  private constructor(
    private readonly wordIndex: Bm25Index,
    private readonly bigramIndex: Bm25Index,
  ) {}

  static build(passages: readonly Document<PassageMetadata>[], analyzer: TextAnalyzer): LexicalIndex {
    const terms = passages.map((p) => analyzer.analyze(p.pageContent));
    return new LexicalIndex(Bm25Index.build(terms.map((t) => t.words)), Bm25Index.build(terms.map((t) => t.bigrams)));
  }

  static fromJSON(data: LexicalData): LexicalIndex {
    return new LexicalIndex(Bm25Index.fromJSON(data.words), Bm25Index.fromJSON(data.bigrams));
  }

  toJSON(): LexicalData {
    return { words: this.wordIndex.toJSON(), bigrams: this.bigramIndex.toJSON() };
  }

  get size(): number {
    return this.wordIndex.size;
  }

  /** Ranks passages for analysed query terms. */
  rank(query: { words: ReadonlyMap<string, number>; bigrams: ReadonlyMap<string, number> }, limit: number): LexicalRanking {
    return {
      words: ranked(this.wordIndex.score(query.words), limit),
      bigrams: ranked(this.bigramIndex.score(query.bigrams), limit),
      coverage: ranked(this.bigramIndex.coverage(query.bigrams), limit),
    };
  }

  /** The largest IDF among the query's words found in the corpus (how specific the question is). */
  maxWordIdf(words: Iterable<string>): number {
    return Math.max(0, ...[...words].map((w) => this.wordIndex.idfOf(w)));
  }
}
