/**
 * Turns text into search terms: jieba words (with the corpus's domain terms and unit
 * names kept whole) and character bigrams, which catch paraphrases that segment
 * differently (互转学籍 / 学籍互转). Questions are also expanded with aliases and the
 * English glossary.
 */
import { jiebaWith } from "./jieba-dictionary.ts";
import type { Segmenter } from "./segmenter.ts";
import type { Lexicon } from "./lexicon.ts";

const CJK_RUN = /[\u3400-\u9fff]+/g;
const ASCII_WORD = /[a-z0-9]+(?:[.+][a-z0-9]+)*%?/g;
const PUNCT_ONLY = /^[\s\p{P}\p{S}]+$/u;

/** Folds full-width ASCII to half-width and lower-cases; quotes and bold marks go. */
export function normalizeText(text: string): string {
  return text
    .replace(/[\uff01-\uff5e]/g, (ch) => (/[（）：；，。！？、]/.test(ch) ? ch : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)))
    .replace(/[“”‘’"'「」『』*]/g, "")
    .toLowerCase();
}

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
export function keptWords(lexicon: Lexicon, extraTerms: readonly string[] = []): string[] {
  return [...lexicon.domainTerms, ...extraTerms].filter((w) => w.length >= 2).map((w) => w.replace(/\s+/g, ""));
}

export class TextAnalyzer {
  private readonly englishKeys: string[];

  /** `jieba` must keep {@link keptWords} whole (see jiebaWith, SegmenterDictionary). */
  constructor(
    private readonly lexicon: Lexicon,
    private readonly jieba: Segmenter,
  ) {
    this.englishKeys = [...lexicon.english.keys()].sort((a, b) => b.length - a.length);
  }

  /** An analyzer with jieba's whole dictionary, keeping the domain terms and `extraTerms` whole. */
  static async create(lexicon: Lexicon, extraTerms: readonly string[] = []): Promise<TextAnalyzer> {
    return new TextAnalyzer(lexicon, await jiebaWith(keptWords(lexicon, extraTerms)));
  }

  /** Jieba search-mode words without stop words and punctuation. */
  words(text: string): string[] {
    const norm = normalizeText(text);
    return this.jieba
      .cutForSearch(norm, true)
      .map((w) => w.trim())
      .filter((w) => w !== "" && !PUNCT_ONLY.test(w) && !this.lexicon.stopwords.has(w));
  }

  /** Character bigrams of every Chinese run, plus ASCII words and numbers. */
  bigrams(text: string): string[] {
    const norm = normalizeText(text);
    const out: string[] = [];
    for (const run of norm.match(CJK_RUN) ?? []) {
      const chars = [...run];
      if (chars.length === 1) out.push(chars[0]!);
      for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
    }
    for (const w of norm.match(ASCII_WORD) ?? []) out.push(w);
    return out;
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

  /** The extra wording a question implies: aliases of what it contains, and Chinese for English words. */
  expansions(question: string): string[] {
    const norm = normalizeText(question);
    const added: string[] = [];
    for (const [alias, targets] of this.lexicon.aliases) if (this.startsWordIn(norm, alias)) added.push(...targets);
    if (/[a-z]{3,}/.test(norm)) {
      let rest = ` ${norm.replace(/[^a-z0-9'+-]+/g, " ")} `;
      for (const key of this.englishKeys) {
        const needle = ` ${key} `;
        if (rest.includes(needle)) {
          added.push(...this.lexicon.english.get(key)!);
          rest = rest.split(needle).join(" ");
        }
      }
    }
    // Two-digit years ("23年") name the full year.
    for (const m of norm.matchAll(/(?<!\d)(\d{2})年/g)) added.push(`20${m[1]}年`);
    return [...new Set(added)];
  }

  /** Weighted terms of a question with expansions applied. Stop words never count. */
  analyzeQuery(question: string): QueryTerms {
    const expansions = this.expansions(question);
    // English words are replaced by their glossary terms; what remains is the typed Chinese.
    const typed = question.replace(/[a-zA-Z]{3,}[a-zA-Z\s'’,?-]*/g, " ");
    const extra = expansions.join(" ");
    return {
      words: weigh(this.words(typed), this.words(extra)),
      bigrams: weigh(this.bigrams(this.stripStopwords(typed)), this.bigrams(this.stripStopwords(extra))),
      expansions,
    };
  }

  private stripStopwords(text: string): string {
    // Bigrams across question words (是什么, 多少) only add noise; cut them out first.
    return this.jieba
      .cut(normalizeText(text), true)
      .map((w) => (this.lexicon.stopwords.has(w) ? " " : w))
      .join("");
  }
}
