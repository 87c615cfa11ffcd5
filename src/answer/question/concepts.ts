/**
 * The content of a question as weighted concepts, each with the spellings that count as
 * the same thing (an abbreviation and its full form, an English word and its Chinese).
 * Coverage of these concepts by a passage is how the answer stage checks that a passage
 * really speaks to the question.
 */
import type { Vocabulary } from "../../lexicon/vocabulary.ts";
import { squash } from "../../text/normalize.ts";

/** One thing the question is about. */
export interface Concept {
  /** As typed (normalised). */
  readonly text: string;
  /** Spellings that count as a match, including `text` itself (for Chinese). */
  readonly alternatives: readonly string[];
  /**
   * Specificity: rare in the corpus (or absent from it) weighs more. Worked out when first
   * read (it counts the concept's spellings in the corpus): see {@link weigh}.
   */
  readonly weight: number;
  /** False when no item holds any of the spellings. */
  readonly inCorpus: boolean;
  /** Where it came from: typed Chinese, an English glossary word, or an abbreviation. */
  readonly source: "typed" | "english" | "alias";
}

/** Number of items whose text contains a spelling (as a substring, squashed). */
export type DocumentFrequency = (term: string) => number;

/** What concept extraction needs: word segmentation and the vocabulary. */
export interface ConceptSources {
  /** Content words of a text (search-mode segmentation, stop words removed). */
  readonly words: (text: string) => string[];
  /** Whether `term` starts at a word boundary of `text` (职教 in 职教高地, not in 兼职教师). */
  readonly startsWordIn: (text: string, term: string) => boolean;
  readonly vocabulary: Pick<
    Vocabulary,
    "aliases" | "english" | "englishStopwords" | "questionWords" | "stopwords" | "kinds" | "answerWords"
  >;
  readonly df: DocumentFrequency;
  /** Whether any item holds a spelling: `df(term) > 0`, often found without counting. */
  readonly contains: (term: string) => boolean;
  /** Number of items, for IDF. */
  readonly total: number;
}

/** The weight of an English word the glossary does not know: that of a word found in about one item in ten. */
const UNKNOWN_ENGLISH_WEIGHT = Math.log(1 + 10);

/** English words that ask the kind of question, not its topic. */
const ENGLISH_ASK = /^(who|when|where|how many|how much|what|which|share|target|goal|responsible|does|is|are|can)$/;

export class ConceptExtractor {
  private readonly aliasKeys: string[];
  private readonly englishKeys: string[];
  /**
   * Words that ask (question words, kind cues, 允不允许) of two or more characters, longest first: cut out before
   * segmenting (哪些项目 is 哪些 + 项目).
   */
  private readonly askWords: string[];

  constructor(private readonly s: ConceptSources) {
    this.aliasKeys = [...s.vocabulary.aliases.keys()].filter((k) => k.length >= 2).sort((a, b) => b.length - a.length);
    this.englishKeys = [...s.vocabulary.english.keys()].sort((a, b) => b.length - a.length);
    const k = s.vocabulary.kinds;
    this.askWords = [
      ...new Set([
        ...s.vocabulary.questionWords,
        ...s.vocabulary.answerWords.yesnoVerbs.keys(),
        ...k.who,
        ...k.when,
        ...k.number,
        ...k.yesno,
        ...k.list,
        ...k.compare,
      ]),
    ]
      .filter((w) => [...w].length >= 2)
      .sort((a, b) => b.length - a.length);
  }

  private idf(df: number): number {
    return df === 0 ? Math.log(1 + this.s.total) + 1 : Math.log(1 + this.s.total / df);
  }

  private weightOf(alternatives: readonly string[], typed: string): number {
    const df = Math.max(0, ...alternatives.map((a) => this.s.df(a)));
    const chars = [...typed];
    if (chars.length === 1) return this.idf(df) * 0.3;
    if (df > 0) return this.idf(df);
    // Absent from every item: the question may ask about something the documents lack
    // (寒假, 江苏) or may just glue common characters into a word the circulars never
    // write (建在). How rare its characters are tells the two apart.
    const han = chars.filter((c) => /\p{Script=Han}/u.test(c));
    if (han.length === 0) return this.idf(0);
    return han.reduce((sum, c) => sum + this.idf(this.s.df(c)), 0) / han.length;
  }

  /** The concepts of a normalised question (years already expanded). */
  extract(question: string): Concept[] {
    let rest = question.toLowerCase();
    const concepts: Concept[] = [];
    const add = (text: string, alternatives: string[], source: Concept["source"]) => {
      if (concepts.some((c) => c.text === text)) return;
      let weight: number | undefined;
      const weightOf = () => this.weightOf(alternatives, text);
      concepts.push({
        text,
        alternatives,
        get weight() {
          return (weight ??= weightOf());
        },
        inCorpus: alternatives.some((a) => this.s.contains(a)),
        source,
      });
    };

    // English words first: they become their Chinese terms.
    if (/[a-z]{3,}/.test(rest)) {
      let english = ` ${rest.replace(/[^a-z0-9'+]+/g, " ")} `;
      for (const key of this.englishKeys) {
        if (!english.includes(` ${key} `)) continue;
        const zh = this.s.vocabulary.english.get(key)!;
        if (!ENGLISH_ASK.test(key)) add(key, [...zh], "english");
        english = english.split(` ${key} `).join(" ");
      }
      // An English word the glossary does not know may be a topic the circulars do not name
      // (tuition) or just a paraphrase (effort): it weighs like a common word, not like an absent one.
      const unknown: string[] = [];
      for (const w of english.trim().split(/\s+/)) {
        if (/^[a-z][a-z']{2,}$/.test(w) && !this.s.vocabulary.englishStopwords.has(w.replace(/'s$/, ""))) unknown.push(w);
      }
      for (const w of unknown)
        if (!concepts.some((c) => c.text === w))
          concepts.push({ text: w, alternatives: [w], weight: UNKNOWN_ENGLISH_WEIGHT, inCorpus: false, source: "english" });
      rest = rest.replace(/[a-z][a-z\s'’,?-]*/g, " ");
    }
    // Years are read apart (they choose documents); as words they would only dilute the topic.
    rest = rest.replace(/(19|20)\d{2}年(度)?/g, " ");
    for (const key of this.aliasKeys) {
      if (!this.s.startsWordIn(rest, key)) continue;
      const targets = this.s.vocabulary.aliases.get(key)!;
      if (!this.s.vocabulary.questionWords.has(key)) add(key, [key, ...targets], "alias");
      rest = rest.split(key).join(" ");
    }
    for (const w of this.askWords) if (rest.includes(w)) rest = rest.split(w).join(" ");
    for (const w of this.s.words(rest)) {
      if (this.s.vocabulary.questionWords.has(w) || this.s.vocabulary.stopwords.has(w)) continue;
      // Search-mode segmentation also yields the parts of long words; keep the whole words.
      if (concepts.some((c) => c.text.includes(w) && c.text !== w)) continue;
      add(w, [w], "typed");
    }
    return concepts.filter(
      (c) => !concepts.some((o) => o !== c && o.text.length > c.text.length && o.text.includes(c.text) && o.alternatives.length === 1),
    );
  }
}

/**
 * Works out the concepts' weights now. The search of a large index leaves the answering
 * thread idle while worker threads rank: weighing there takes the counting of common words
 * (a few milliseconds each at 10,000 circulars) out of the time a question waits.
 */
export function weigh(concepts: readonly Concept[]): void {
  for (const c of concepts) void c.weight;
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

/** Whether a squashed text holds one of the concept's spellings. */
export function mentions(concept: Concept, squashedText: string): boolean {
  return concept.alternatives.some((a) => squashedText.includes(squash(a)));
}

/** Share of the concepts' weight found in a text (0 to 1). */
export function coverage(concepts: readonly Concept[], text: string): number {
  const squashed = squash(text);
  let total = 0;
  let covered = 0;
  for (const c of concepts) {
    total += c.weight;
    if (mentions(c, squashed)) covered += c.weight;
    else covered += c.weight * partialMatch(c.text, squashed);
  }
  return total === 0 ? 0 : covered / total;
}
