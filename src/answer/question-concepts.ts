/**
 * The content of a question as weighted concepts, each with the spellings that count as
 * the same thing (an abbreviation and its full form, an English word and its Chinese).
 * Coverage of these concepts by a passage is how the answer stage checks that a passage
 * really speaks to the question, and refuses when none does.
 */
import type { Lexicon } from "../retrieval/lexicon.ts";
import { normalizeText, type TextAnalyzer } from "../retrieval/text-analysis.ts";

/** One thing the question is about. */
export interface Concept {
  /** As typed. */
  readonly text: string;
  /** Spellings that count as a match, including `text` itself (for Chinese). */
  readonly alternatives: readonly string[];
  /** Specificity: rare in the corpus (or absent from it) weighs more. */
  readonly weight: number;
  /** False when no passage holds any of the spellings. */
  readonly inCorpus: boolean;
}



/** Counts, for weighting, how many passages contain a spelling. */
export type DocumentFrequency = (term: string) => number;

export class ConceptExtractor {
  private readonly aliasKeys: string[];
  private readonly englishKeys: string[];

  constructor(
    private readonly analyzer: TextAnalyzer,
    private readonly lexicon: Lexicon,
    private readonly df: DocumentFrequency,
    private readonly total: number,
  ) {
    this.aliasKeys = [...lexicon.aliases.keys()].filter((k) => k.length >= 2).sort((a, b) => b.length - a.length);
    this.englishKeys = [...lexicon.english.keys()].sort((a, b) => b.length - a.length);
  }

  private weightOf(alternatives: readonly string[], typed: string): number {
    const df = Math.max(0, ...alternatives.map((a) => this.df(a)));
    // Absent from every passage: the question asks about something the documents lack.
    const idf = df === 0 ? Math.log(1 + this.total) + 1 : Math.log(1 + this.total / df);
    return [...typed].length === 1 ? idf * 0.3 : idf;
  }

  /** The concepts of a question. */
  extract(question: string): Concept[] {
    let rest = normalizeText(question);
    const concepts: Concept[] = [];
    const add = (text: string, alternatives: string[]) => {
      if (concepts.some((c) => c.text === text)) return;
      concepts.push({ text, alternatives, weight: this.weightOf(alternatives, text), inCorpus: alternatives.some((a) => this.df(a) > 0) });
    };

    // English words first: they become their Chinese terms.
    if (/[a-z]{3,}/.test(rest)) {
      let english = ` ${rest.replace(/[^a-z0-9'+-]+/g, " ")} `;
      for (const key of this.englishKeys) {
        if (!english.includes(` ${key} `)) continue;
        const zh = this.lexicon.english.get(key)!;
        if (!/^(who|when|where|how many|what|share|target|goal)$/.test(key)) add(key, [...zh]);
        english = english.split(` ${key} `).join(" ");
      }
      rest = rest.replace(/[a-z][a-z\s'’,?-]*/g, " ");
    }
    // Two-digit years are full years.
    rest = rest.replace(/(?<!\d)(\d{2})年/g, "20$1年");

    for (const key of this.aliasKeys) {
      if (!this.analyzer.startsWordIn(rest, key)) continue;
      const targets = this.lexicon.aliases.get(key)!;
      if (!this.lexicon.questionWords.has(key)) add(key, [key, ...targets]);
      rest = rest.split(key).join(" ");
    }
    for (const w of this.analyzer.words(rest)) {
      if (this.lexicon.questionWords.has(w) || this.lexicon.stopwords.has(w)) continue;
      // Search-mode segmentation also yields the parts of long words; keep the whole words.
      if (concepts.some((c) => c.text.includes(w) && c.text !== w)) continue;
      add(w, [w]);
    }
    return concepts.filter((c) => !concepts.some((o) => o !== c && o.text.length > c.text.length && o.text.includes(c.text) && o.alternatives.length === 1));
  }
}

/**
 * Half credit, at most, for a compound written apart in the text (一体两翼 → 一体——…两翼):
 * the share of its character pairs found.
 */
function partialMatch(term: string, text: string): number {
  const chars = [...term];
  if (chars.length < 4 || !/^[\u4e00-\u9fff]+$/.test(term)) return 0;
  let found = 0;
  for (let i = 0; i + 1 < chars.length; i += 2) if (text.includes(chars[i]! + chars[i + 1]!)) found++;
  return (found / Math.floor(chars.length / 2)) * 0.5;
}

/** Share of the question's concept weight found in a text (0 to 1). */
export function coverage(concepts: readonly Concept[], text: string): number {
  const squashed = normalizeText(text).replace(/\s+/g, "");
  let total = 0;
  let covered = 0;
  for (const c of concepts) {
    total += c.weight;
    if (c.alternatives.some((a) => squashed.includes(a.replace(/\s+/g, "")))) covered += c.weight;
    else covered += c.weight * partialMatch(c.text, squashed);
  }
  return total === 0 ? 0 : covered / total;
}
