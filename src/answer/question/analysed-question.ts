/**
 * One question, analysed once: the normalised text, its kind, its weighted concepts,
 * the years, places, units and measure it names, the item it references and the
 * documents it points at. Retrieval and every answer kind read this; none re-derives it.
 */
import type { Measure } from "../../lexicon/vocabulary.ts";
import type { Concept } from "./concepts.ts";
import type { Correction } from "./homophones.ts";
import type { Reference } from "./references.ts";

/** The kinds of question, each one module of src/answer/kinds/. */
export type KindName = "meta" | "compare" | "list" | "who" | "when" | "number" | "yesno" | "reference" | "fact";

/** A place the question names, and whether any circular names it. */
export interface NamedPlace {
  readonly name: string;
  readonly inCorpus: boolean;
  /** A province other than Shandong. */
  readonly elsewhere: boolean;
}

/** Everything the answer stage knows about a question except its kind. */
export interface QuestionDraft {
  /** The question as typed (after input cleaning). */
  readonly typed: string;
  /** Normalised: chat removed, simplified characters, folded width, full years, homophones read. */
  readonly text: string;
  readonly concepts: readonly Concept[];
  /** Years named (2023年, 23年), as numbers. */
  readonly years: readonly number[];
  readonly places: readonly NamedPlace[];
  /** Responsible units named, canonical. */
  readonly units: readonly string[];
  /** Units the question sets aside ("不是各市、县（市、区）人民政府"), canonical. */
  readonly excludedUnits: readonly string[];
  /** The measure a figure question asks for (所, 人次, %), or null. */
  readonly measure: Measure | null;
  readonly reference: Reference | null;
  /** Documents the question points at (by title words, year, number); empty: any. */
  readonly documents: readonly string[];
  /** Every document the question names strongly enough, even when several are (comparisons). */
  readonly mentioned: readonly string[];
  /** A document it names by a year none has ("22年的职教工作要点"), as written; null when none. */
  readonly missingDocument: string | null;
  /** Characters read as their corpus homophones (取筹 → 取酬). */
  readonly corrections: readonly Correction[];
  /** Search expansions: the circulars' wording for abbreviations and English words. */
  readonly expansions: readonly string[];
  /** True when the question's topic was carried over from the previous question or turn. */
  readonly borrowed: boolean;
}

/** An analysed question. */
export interface AnalysedQuestion extends QuestionDraft {
  readonly kind: KindName;
}

/** A message analysed: its questions in order (usually one). */
export interface AnalysedMessage {
  readonly questions: readonly AnalysedQuestion[];
}
