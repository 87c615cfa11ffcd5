/**
 * Turns text into search terms: jieba words (with the corpus's domain terms and unit
 * names kept whole) and character bigrams, which catch paraphrases that segment
 * differently (互转学籍 / 学籍互转). A question's expansions (the circulars' wording for
 * abbreviations and English words) come from the answer stage's analysis of it.
 */
import type { Vocabulary } from "../lexicon/vocabulary.ts";
import { charBigrams } from "../text/bigrams.ts";
import { matchForm } from "../text/normalize.ts";
import { jiebaWith } from "./jieba-dictionary.ts";
import type { Segmenter } from "./segmenter.ts";

/** The vocabulary text analysis reads. */
export type AnalyzerWords = Pick<Vocabulary, "stopwords" | "domainTerms">;

const ASCII_WORD = /[a-z0-9]+(?:[.+][a-z0-9]+)*%?/g;
const PUNCT_ONLY = /^[\s\p{P}\p{S}]+$/u;

/** Terms of a text, in two families. */
export interface Terms {
  readonly words: string[];
  readonly bigrams: string[];
}

/** A query's weighted terms (typed words weigh 1, expansions less) plus what expansion added. */
export interface QueryTerms {
  readonly words: ReadonlyMap<string, number>;
  readonly bigrams: ReadonlyMap<string, number>;
  readonly expansions: string[];
}

/** How much an expansion term counts relative to a word the user typed. */
export const EXPANSION_WEIGHT = 0.6;

function weigh(typed: readonly string[], expanded: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const t of expanded) out.set(t, EXPANSION_WEIGHT);
  for (const t of typed) out.set(t, 1);
  return out;
}

/** Words jieba must keep whole: the domain terms and `extraTerms` (e.g. the corpus's unit names), without whitespace. */
export function keptWords(lexicon: AnalyzerWords, extraTerms: readonly string[] = []): string[] {
  return [...lexicon.domainTerms, ...extraTerms].filter((w) => w.length >= 2).map((w) => w.replace(/\s+/g, ""));
}

export class TextAnalyzer {
  /** `jieba` must keep {@link keptWords} whole (see jiebaWith, SegmenterDictionary). */
  constructor(
    private readonly lexicon: AnalyzerWords,
    private readonly jieba: Segmenter,
  ) {
  }

  /** An analyzer with jieba's whole dictionary, keeping the domain terms and `extraTerms` whole. */
  static async create(lexicon: AnalyzerWords, extraTerms: readonly string[] = []): Promise<TextAnalyzer> {
    return new TextAnalyzer(lexicon, await jiebaWith(keptWords(lexicon, extraTerms)));
  }

  /** Jieba search-mode words without stop words and punctuation. */
  words(text: string): string[] {
    const norm = matchForm(text);
    return this.jieba
      .cutForSearch(norm, true)
      .map((w) => w.trim())
      .filter((w) => w !== "" && !PUNCT_ONLY.test(w) && !this.lexicon.stopwords.has(w));
  }

  /** Character bigrams of every Chinese run, plus ASCII words and numbers. */
  bigrams(text: string): string[] {
    const norm = matchForm(text);
    return [...charBigrams(norm), ...(norm.match(ASCII_WORD) ?? [])];
  }

  /** Terms of a passage to index. */
  analyze(text: string): Terms {
    return { words: this.words(text), bigrams: this.bigrams(text) };
  }

  /**
   * Whether `term` occurs in `text` starting where a word starts: 职教 in 职教高地, not in
   * 兼职教师 (兼职 | 教师). `text` must be normalised.
   */
  startsWordIn(text: string, term: string): boolean {
    let at = text.indexOf(term);
    if (at < 0) return false;
    const starts = new Set<number>();
    let offset = 0;
    for (const w of this.jieba.cut(text, true)) {
      starts.add(offset);
      offset += w.length;
    }
    for (; at >= 0; at = text.indexOf(term, at + 1)) if (starts.has(at)) return true;
    return false;
  }

  /**
   * Weighted terms of a question: the words typed (English left out: its Chinese comes in
   * `expansions`, which the answer stage's analysis provides) weigh 1, expansions less.
   */
  analyzeQuery(question: string, expansions: readonly string[] = []): QueryTerms {
    const typed = question.replace(/[a-zA-Z]{3,}[a-zA-Z\s'’,?-]*/g, " ");
    const extra = expansions.join(" ");
    return {
      words: weigh(this.words(typed), this.words(extra)),
      bigrams: weigh(this.bigrams(this.stripStopwords(typed)), this.bigrams(this.stripStopwords(extra))),
      expansions: [...expansions],
    };
  }

  private stripStopwords(text: string): string {
    // Bigrams across question words (是什么, 多少) only add noise; cut them out first.
    return this.jieba
      .cut(matchForm(text), true)
      .map((w) => (this.lexicon.stopwords.has(w) ? " " : w))
      .join("");
  }
}
