/**
 * The lexical side of search: BM25 over jieba words and BM25 over character bigrams,
 * built over the same passages as the vector index, saved as one binary file.
 */
import { encodeSections, Sections } from "../index/binary-sections.ts";
import { Bm25Builder, Bm25Index, BM25_DEFAULTS } from "./bm25.ts";
import type { TextAnalyzer } from "./text-analysis.ts";
import type { Ranked } from "./top-k.ts";

/** Passage indices ranked by each lexical family, best first, with their scores. */
export interface LexicalRanking {
  readonly words: Ranked[];
  readonly bigrams: Ranked[];
  /** Passages by the share of the query's bigrams they contain (see Bm25Index.accumulate). */
  readonly coverage: Ranked[];
}

/** What the saved file holds; the version changes with its layout. */
const FILE_KIND = "policybot-lexical/2";

export class LexicalIndex {
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
   * Reads a saved index: from bytes in memory, or from its file, whose postings lists
   * then stay on disk and are read as questions need them.
   * @throws {SectionFormatError} when it is not one.
   */
  static async decode(saved: Buffer | { readonly file: string }): Promise<LexicalIndex> {
    const s = Buffer.isBuffer(saved)
      ? Sections.decode(saved, FILE_KIND)
      : await Sections.open(saved.file, FILE_KIND, (name) => name.endsWith(".lists"));
    const meta = s.meta as { k1?: unknown; b?: unknown };
    const params = typeof meta?.k1 === "number" && typeof meta.b === "number" ? { k1: meta.k1, b: meta.b } : BM25_DEFAULTS;
    return new LexicalIndex(Bm25Index.fromSections(s, "words", params), Bm25Index.fromSections(s, "bigrams", params));
  }

  /** The saved form, as buffers to write in order. */
  encode(): Buffer[] {
    return encodeSections(FILE_KIND, this.wordIndex.params, {
      ...this.wordIndex.sections("words"),
      ...this.bigramIndex.sections("bigrams"),
    });
  }

  get size(): number {
    return this.wordIndex.size;
  }

  /** Ranks passages for analysed query terms: the best `limit` of each family. */
  rank(query: { words: ReadonlyMap<string, number>; bigrams: ReadonlyMap<string, number> }, limit: number): LexicalRanking {
    const bigrams = this.bigramIndex.rank(query.bigrams, limit);
    return { words: this.wordIndex.rank(query.words, limit, false).scores, bigrams: bigrams.scores, coverage: bigrams.coverage };
  }
}
