/**
 * Turns a message into analysed questions, once, for retrieval and every answer kind:
 * input is folded to one form (simplified characters, half-width, full years), chat
 * around the question is set aside, each question of the message is taken apart, unknown
 * pairs are read as their corpus homophones, and concepts, years, places, units, the
 * asked measure, the referenced item, the documents pointed at and the kind are read.
 */
import type { Corpus, ParsedDocument } from "../../corpus/types.ts";
import type { Vocabulary } from "../../lexicon/vocabulary.ts";
import { expandYears, foldWidth, toSimplified } from "../../text/normalize.ts";
import { timeSlicer } from "../../util/time-slice.ts";
import type { KindContext } from "../kinds/kind.ts";
import { detectKind } from "../kinds/table.ts";
import type { ConversationTurn } from "../types.ts";
import type { UnitNames } from "../unit-names.ts";
import type { AnalysedMessage, AnalysedQuestion, NamedPlace, QuestionDraft } from "./analysed-question.ts";
import { questionsOf } from "./chat-text.ts";
import { EnglishReader, isEnglish } from "./english.ts";
import type { ConceptExtractor } from "./concepts.ts";
import type { DocumentFinder } from "./documents.ts";
import { resolveFollowUp } from "./follow-up.ts";
import type { HomophoneMatcher } from "./homophones.ts";
import type { Measures } from "./measures.ts";
import { resolveReference, stripReference, warmReferences, writtenReference, type Reference } from "./references.ts";

export interface AnalyserDeps {
  readonly vocabulary: Vocabulary;
  readonly corpus: Corpus;
  readonly concepts: ConceptExtractor;
  readonly homophones: HomophoneMatcher;
  readonly documents: DocumentFinder;
  readonly measures: Measures;
  readonly units: UnitNames;
  readonly kinds: KindContext;
  /** Characters the corpus uses: text made only of these needs no traditional → simplified pass. */
  readonly knownChars: ReadonlySet<string>;
  /** Whether any item contains a text. */
  readonly inCorpus: (text: string) => boolean;
  /** Titles of a document's attachments (日常工作), so 日常工作第30项 names 附件30. */
  readonly appendixNames: (doc: ParsedDocument) => readonly string[];
}

export class QuestionAnalyser {
  private readonly protectedWords: ReadonlySet<string>;
  private readonly placesSeen = new Map<string, boolean>();
  private readonly english: EnglishReader;
  /** Characters that are words of their own in questions (谁, 吗, 的, 几): no pair with them is a mistyped term. */
  private readonly functionChars: ReadonlySet<string>;

  constructor(private readonly deps: AnalyserDeps) {
    const v = deps.vocabulary;
    this.english = new EnglishReader(v.english, v.kinds);
    this.functionChars = new Set(
      [...v.questionWords, ...v.stopwords, ...v.kinds.yesno, ...v.kinds.number].filter((w) => [...w].length === 1),
    );
    // Words people type on purpose are never "corrected": abbreviations, unit spellings, places.
    this.protectedWords = new Set([
      ...v.aliases.keys(),
      ...[...v.units.spellings].flatMap(([k, s]) => [k, ...s]),
      ...v.places.cities,
      ...v.places.otherProvinces,
      ...v.questionWords,
      ...v.stopwords,
    ]);
  }

  /** The folded form of typed text: simplified characters, half-width letters and digits. */
  fold(text: string): string {
    return toSimplified(foldWidth(text), this.deps.knownChars, this.deps.vocabulary.traditionalChars);
  }

  /** Analyses a message; `previous` is the conversation's last turn, for follow-ups. */
  analyse(typed: string, previous?: ConversationTurn): AnalysedMessage {
    const parts = questionsOf(this.fold(typed), this.deps.vocabulary.chat);
    // A part that names no topic before another part is its context ("这几份文件里，哪些地方…").
    for (let i = parts.length - 2; i >= 0; i--) {
      if (!this.hasTopic(expandYears(parts[i]!))) parts.splice(i, 2, `${parts[i]}，${parts[i + 1]}`);
    }
    const questions: AnalysedQuestion[] = [];
    parts.forEach((part, i) => {
      const before = questions[i - 1];
      questions.push(this.analyseOne(typed, part, i === 0 ? previous : undefined, before));
    });
    return { questions };
  }

  /** The topic words of a question, without what it asks (for carrying it into a follow-up). */
  topicOf(text: string): string {
    const full = expandYears(text);
    const years = [...new Set(full.match(/(19|20)\d{2}年/g) ?? [])];
    const words = this.deps.concepts.extract(stripReference(full)).filter((c) => c.source !== "english");
    // The item a question named (任务清单第20项) stays part of its topic.
    return [...years, ...words.map((c) => c.text), writtenReference(full) ?? ""].join("");
  }

  private analyseOne(
    typed: string,
    part: string,
    previous: ConversationTurn | undefined,
    before: AnalysedQuestion | undefined,
  ): AnalysedQuestion {
    // An English question is read through its Chinese gloss; its concepts come from the English.
    if (isEnglish(part)) {
      const draft = this.draft(typed, this.english.gloss(part), [], false, null, part);
      return { ...draft, kind: detectKind(draft, this.deps.kinds) };
    }
    let text = expandYears(part);
    const fixed = this.deps.homophones.correct(text, (w) => this.protectedWords.has(w), this.functionChars);
    text = fixed.text;
    let borrowed = false;
    let pinned: { file: string; item: string | null } | null = null;
    const asksOnly = !this.hasTopic(text);
    // A second question that names no topic of its own asks about the first one's.
    if (before && asksOnly) {
      text = `${this.topicOf(before.text)}${text}`;
      borrowed = true;
    } else {
      const follow = resolveFollowUp(
        text,
        previous,
        asksOnly,
        (q) => this.topicOf(q),
        (title, year) => this.sameSeries(title, year),
      );
      if (follow) {
        text = expandYears(follow.question);
        pinned = follow.pinned;
        borrowed = true;
      }
    }
    const draft = this.draft(typed, text, fixed.corrections, borrowed, pinned);
    return { ...draft, kind: detectKind(draft, this.deps.kinds) };
  }

  /**
   * Works out ahead, in time slices, what the first questions would: units' spellings,
   * and each document's reference table and attachment titles (a 第N条
   * asked of no document in particular, and written in none, reads every document's).
   */
  async warm(): Promise<void> {
    await this.deps.units.warm();
    const slice = timeSlicer();
    for (const doc of this.deps.corpus.documents) {
      warmReferences(doc);
      this.deps.appendixNames(doc);
      if (slice.due()) await slice.pause();
    }
  }

  /** The title of `year`'s issue of the yearly circular titled `title` (2023年…要点 → 2021年…要点), or null. */
  private sameSeries(title: string, year: number): string | null {
    const m = /(19|20)\d{2}年/.exec(title);
    if (!m) return null;
    const wanted = title.replace(m[0], `${year}年`);
    return this.deps.corpus.documents.find((d) => d.meta.title === wanted)?.meta.title ?? null;
  }

  private hasTopic(text: string): boolean {
    return this.deps.concepts
      .extract(stripReference(text))
      .some((c) => c.inCorpus && !/^20\d{2}年$/.test(c.text) && [...c.text].length >= 2);
  }

  private draft(
    typed: string,
    text: string,
    corrections: QuestionDraft["corrections"],
    borrowed: boolean,
    pinned: { file: string; item: string | null } | null,
    conceptText: string = text,
  ): QuestionDraft {
    const d = this.deps;
    const years = [...new Set([...text.matchAll(/(?<!\d)(20\d{2})年/g)].map((m) => Number(m[1])))];
    const concepts = d.concepts.extract(stripReference(conceptText));
    const documents = d.documents.pointedAt(text, years);
    const units = d.units.findIn(text);
    const excludedUnits = units.filter((u) =>
      d.units.spellingsOf(u).some((s) => new RegExp(`(不是|除了|不包括|而非)[“"]?${escape(s)}`).test(text)),
    );
    return {
      typed,
      text,
      concepts,
      years,
      places: this.places(text),
      units: units.filter((u) => !excludedUnits.includes(u)),
      excludedUnits,
      measure: d.measures.askedIn(text),
      reference: pinned ? this.pinnedReference(pinned) : resolveReference(text, d.corpus.documents, documents, d.appendixNames),
      documents,
      mentioned: d.documents.mentioned(text, years),
      missingDocument: d.documents.missing(text),
      corrections,
      expansions: [...new Set(concepts.filter((c) => c.source !== "typed").flatMap((c) => c.alternatives.filter((a) => a !== c.text)))],
      borrowed,
    };
  }

  /** The previous answer's item, as a reference the follow-up asks about. */
  private pinnedReference(pinned: { file: string; item: string | null }): Reference | null {
    const doc = this.deps.corpus.documents.find((x) => x.meta.file === pinned.file);
    const item = doc?.items.find((i) => i.label === pinned.item && i.label !== null) ?? null;
    if (!doc || !item) return null;
    return { written: "", style: "numbered", key: item.label!, documents: [doc.meta.file], item, exists: true };
  }

  private places(text: string): NamedPlace[] {
    const p = this.deps.vocabulary.places;
    const names = new Set<string>();
    for (const n of [...p.cities, ...p.otherProvinces]) if (text.includes(n)) names.add(n);
    return [...names].map((name) => ({
      name,
      inCorpus: this.placeInCorpus(name),
      elsewhere: p.otherProvinces.some((o) => name.startsWith(o)),
    }));
  }

  /** Whether the circulars name a place as a place: 济南 in 中国人民银行济南分行 is part of a unit's name. */
  private placeInCorpus(place: string): boolean {
    let known = this.placesSeen.get(place);
    if (known === undefined) {
      const units = [...this.deps.vocabulary.units.spellings]
        .flatMap(([k, s]) => [k, ...s])
        .filter((u) => u.includes(place) && u !== place);
      // Only items whose counted text holds the name can write it (the frequency index finds them).
      const sets = this.deps.kinds.itemSets;
      known = Array.from(sets.holding(place)).some((n) => units.reduce((t, u) => t.split(u).join(" "), sets.item(n).text).includes(place));
      this.placesSeen.set(place, known);
    }
    return known;
  }
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
