/**
 * The interface every question kind implements (one module per kind, registered in
 * ./table.ts): how it is detected, how it lifts search, how it scores a sentence,
 * whether a candidate can answer it, and how it writes the lead. Kinds that answer from
 * structure rather than from one sentence (lists, facts about a circular, comparisons)
 * compose the whole answer instead.
 */
import type { Corpus, DocumentMeta, Item, ParsedDocument } from "../../corpus/types.ts";
import type { Vocabulary } from "../../lexicon/vocabulary.ts";
import type { ScoredItem, SearchResult } from "../../retrieval/hybrid-retriever.ts";
import type { CitedItem } from "../compose/citations.ts";
import type { Contrasts } from "../contrasts.ts";
import type { ItemSets } from "../item-sets.ts";
import type { AnalysedQuestion, KindName, QuestionDraft } from "../question/analysed-question.ts";
import type { Measures } from "../question/measures.ts";
import type { Evidence } from "../types.ts";
import type { UnitNames } from "../unit-names.ts";

/** What the kinds read besides the question: corpus, vocabulary and the shared readers. */
export interface KindContext {
  readonly corpus: Corpus;
  readonly documents: ReadonlyMap<string, ParsedDocument>;
  readonly vocabulary: Vocabulary;
  readonly units: UnitNames;
  readonly measures: Measures;
  readonly contrasts: Contrasts;
  /** Titles of a document's attachments (日常工作). */
  readonly appendixNames: (doc: ParsedDocument) => readonly string[];
  /** Whether any item contains a text. */
  readonly inCorpus: (text: string) => boolean;
  /** The items as numbers, and the sets of them list questions filter by. */
  readonly itemSets: ItemSets;
}

/** One item search found, read for one kind of question: its best sentence and how it fits. */
export interface Candidate {
  readonly hit: ScoredItem;
  /** Rank in search, 0-based. */
  readonly rank: number;
  /** The sentence that best answers, for the lead and the quote. */
  readonly sentence: string;
  /** Share of the question's concept weight in that sentence. */
  readonly sentenceCoverage: number;
  /** Share of it in the item with its title and headings. */
  readonly itemCoverage: number;
  /** How well the sentence fits the kind (a figure in the asked measure, a date, named units), 0–1. */
  readonly fit: number;
}

/** What a kind writes for a chosen candidate. */
export interface Written {
  readonly lead: string;
  /** Quotes; citation indexes refer to `items`. */
  readonly evidence: readonly Evidence[];
  /** The items cited, most relevant first (usually the candidate's own). */
  readonly items: readonly CitedItem[];
}

/** A whole answer composed from structure, or a refusal that says what exists. */
export interface Composed extends Written {
  readonly refused: boolean;
  /** One short line per cited item (lists), with the count first in the lead. */
  readonly listed?: boolean;
}

/** Decides whether candidates answer; compose() of structured kinds uses it for parts. */
export type Decide = (q: AnalysedQuestion, search: SearchResult) => { best: Candidate | null; answered: readonly Candidate[] };

export interface QuestionKind {
  readonly name: KindName;
  /** Whether a question reads as this kind; kinds are tried in table order. */
  detect(q: QuestionDraft, ctx: KindContext): boolean;
  /** Extra search weight for an item (items that name units for who-questions), in fusion units. */
  lift?(q: AnalysedQuestion, item: Item, meta: DocumentMeta): number;
  /** How well a sentence fits this kind beyond its topic, 0–1. */
  sentenceFit(q: AnalysedQuestion, sentence: string, item: Item, ctx: KindContext): number;
  /** Whether a candidate can answer this kind at all (a number question needs a figure in its measure). */
  answers(q: AnalysedQuestion, c: Candidate, ctx: KindContext): boolean;
  /** The lead and quotes for a chosen candidate; null when it cannot be written as an answer. */
  write(q: AnalysedQuestion, c: Candidate, ctx: KindContext): Written | null;
  /** An answer from structure (lists, document facts, comparisons); null to answer from candidates. */
  compose?(q: AnalysedQuestion, search: SearchResult, ctx: KindContext, decide: Decide): Composed | null;
  /**
   * Works out ahead, in time slices, what the kind would otherwise work out on its first
   * question over a corpus (a rebuilt index is warmed before it is swapped in).
   */
  warm?(ctx: KindContext): Promise<void>;
}
