/**
 * The lexical side of search: BM25 over jieba words and BM25 over character bigrams,
 * built over the same passages as the vector index, saved as one binary file.
 */
import { encodeSections, Sections } from "../index/binary-sections.ts";
import { Bm25Builder, Bm25Index, BM25_DEFAULTS, type Accumulators } from "./bm25.ts";
import type { TextAnalyzer } from "./text-analysis.ts";
import { topK, type Ranked } from "./top-k.ts";

/** Passage indices ranked by each lexical family, best first, with their scores. */
export interface LexicalRanking {
  readonly words: Ranked[];
  readonly bigrams: Ranked[];
  /** Passages by the share of the query's bigrams they contain (see Bm25Index.accumulate). */
  readonly coverage: Ranked[];
}

/** What the saved file holds; the version changes with its layout. */
const FILE_KIND = "policybot-lexical/1";

export class LexicalIndex {
  /** Reused between queries (a query runs synchronously start to end, so one set suffices). */
  private wordAcc: Accumulators | undefined;
  private bigramAcc: Accumulators | undefined;

  private constructor(
    private readonly wordIndex: Bm25Index,
    private readonly bigramIndex: Bm25Index,
  ) {}

  /** Builds the index over passage texts, in passage order. */
  static build(passages: Iterable<string>, analyzer: TextAnalyzer): LexicalIndex {
    const words = new Bm25Builder();
    const bigrams = new Bm25Builder();
    for (const text of passages) {
      const terms = analyzer.analyze(text);
      words.add(terms.words);
      bigrams.add(terms.bigrams);
    }
    return new LexicalIndex(words.finish(), bigrams.finish());
  }

  /**
   * Reads a saved index.
   * @throws {SectionFormatError} when the bytes are not one.
   */
  static decode(bytes: Buffer): LexicalIndex {
    const s = Sections.decode(bytes, FILE_KIND);
    const meta = s.meta as { k1?: unknown; b?: unknown };
    const params = typeof meta?.k1 === "number" && typeof meta.b === "number" ? { k1: meta.k1, b: meta.b } : BM25_DEFAULTS;
    return new LexicalIndex(Bm25Index.fromSections(s, "words", params), Bm25Index.fromSections(s, "bigrams", params));
  }

  /** The saved form, as buffers to write in order. */
  encode(): Buffer[] {
    return encodeSections(FILE_KIND, this.wordIndex.params, { ...this.wordIndex.sections("words"), ...this.bigramIndex.sections("bigrams") });
  }

  get size(): number {
    return this.wordIndex.size;
  }

  /** Ranks passages for analysed query terms: the best `limit` of each family. */
  rank(query: { words: ReadonlyMap<string, number>; bigrams: ReadonlyMap<string, number> }, limit: number): LexicalRanking {
    const w = (this.wordAcc ??= this.wordIndex.accumulators());
    const b = (this.bigramAcc ??= this.bigramIndex.accumulators());
    try {
      this.wordIndex.accumulate(query.words, w);
      this.bigramIndex.accumulate(query.bigrams, b);
      // Ties keep passage order so results are deterministic.
      return {
        words: topK(w.touched, w.scores, limit),
        bigrams: topK(b.touched, b.scores, limit),
        coverage: topK(b.touched, b.covered, limit),
      };
    } finally {
      this.wordIndex.clear(w);
      this.bigramIndex.clear(b);
    }
  }

  /** The largest IDF among the query's words found in the corpus (how specific the question is). */
  maxWordIdf(words: Iterable<string>): number {
    return Math.max(0, ...[...words].map((w) => this.wordIndex.idfOf(w)));
  }
}
