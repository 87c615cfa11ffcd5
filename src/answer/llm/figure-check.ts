/**
 * Figures in a model's answer, each checked with its measure word and its subject: a
 * figure counts only where the cited text has the same number with the same measure word
 * (5倍 is not grounded by the 5 of 5月, nor 6倍 by 6月, 50倍 by 50% or 2020倍 by a year),
 * in a sentence that, with its item's heading, holds most of the words written next to it
 * in the answer (5倍 of 绩效工资 does not ground 提取5倍). A figure written alone (70所。)
 * must stand in one of the cited sentences that speak most to the question. A bare number
 * (45, in "45 in 2020") claims no measure and needs only the same number. Years (2020年,
 * 23年, 〔2023〕), which the figure reader leaves out, are read here as bare numbers.
 */
import type { GroundingTerms } from "../../lexicon/grounding-terms.ts";
import type { Measure } from "../../lexicon/vocabulary.ts";
import { bigramSet } from "../../text/bigrams.ts";
import { expandYears, foldWidth } from "../../text/normalize.ts";
import { parseNumber } from "../../text/numerals.ts";
import { clausesOf, sentencesOf } from "../../text/sentences.ts";
import { coverage, type Concept } from "../question/concepts.ts";
import { Measures, type Figure } from "../question/measures.ts";
import type { CitedText } from "./cited-text.ts";

/** A figure written alone is grounded by a sentence that covers at least this share of what the best one covers. */
const ALONE_SHARE = 0.5;
/** How far before and after a figure its subject and object are looked for, in characters of its phrase. */
const SUBJECT_REACH = { before: 8, after: 6 };
/** Where the words next to a figure stop: a phrase ends at punctuation (a parenthesis says something else). */
const PHRASE_END = /[\p{P}\p{S}]/u;

/** The project's figure reader with the extra measure words answers use (三天, 两届), from the grounding terms. */
export function answerMeasures(measures: readonly Measure[], terms: GroundingTerms): Measures {
  return new Measures([...measures, { name: "quantity", asks: [], alone: [], written: terms.quantityWords, counts: false }]);
}

/** A year: four digits standing alone. */
const YEAR = /(?<![\d.])(?:19|20)\d{2}(?![\d.])/g;

/** 百分之五十 as 五十%, 23年 as 2023年: one way of writing shares and years for the readers. */
function readable(text: string): string {
  return expandYears(foldWidth(text)).replace(/百分之([\d.]+|[零〇一二两三四五六七八九十百]+)/g, "$1%");
}

/**
 * The figures of a text, and its years as numbers without a measure word: a year read
 * with 年 or 日 after it is a year (2021日常工作 counts no days); 2020倍 stays a figure.
 */
function figuresAndYears(measures: Measures, text: string): Figure[] {
  const out = measures.figuresIn(text).filter((f) => !(/^(?:19|20)\d{2}$/.test(f.value) && /^[年日]?$/.test(f.unit)));
  for (const m of text.matchAll(YEAR)) {
    const inFigure = out.some((f) => f.index <= m.index && m.index < f.index + f.text.length);
    if (!inFigure) out.push({ text: m[0], value: m[0], unit: "", index: m.index });
  }
  return out;
}

/** A figure of the cited text: amount, measure word, and its sentence with the item heading (as text and as character pairs). */
interface CitedFigure {
  readonly amount: string;
  readonly unit: string;
  readonly text: string;
  readonly context: ReadonlySet<string>;
}

function citedFigures(measures: Measures, items: readonly (readonly string[])[]): CitedFigure[] {
  const out: CitedFigure[] = [];
  for (const item of items) {
    // The item's first sentence (its heading) and the document line (title, number, date) speak for every
    // sentence; a figure of the document line (its year, its date) speaks for the whole item.
    const heading = `${item[0] ?? ""}，${item.at(-1) ?? ""}`;
    item.forEach((raw, i) => {
      const sentence = readable(raw);
      const text = i === item.length - 1 ? item.join("，") : `${heading}，${sentence}`;
      const context = bigramSet(text);
      for (const f of figuresAndYears(measures, sentence)) {
        const q = measures.quantity(f);
        if (q) out.push({ ...q, text, context });
      }
    });
  }
  return out;
}

/** The words written right next to a figure in its clause, up to punctuation. */
function nextTo(clause: string, f: Figure): string {
  const before = clause.slice(Math.max(0, f.index - SUBJECT_REACH.before), f.index).split(PHRASE_END).at(-1)!;
  const after = clause.slice(f.index + f.text.length, f.index + f.text.length + SUBJECT_REACH.after).split(PHRASE_END)[0]!;
  return `${before}，${after}`;
}

/** Numbers of the cited labels (第33项 names row 33, 附件12 attachment item 12). */
function labelNumbers(labels: readonly (string | null)[]): Set<number> {
  const out = new Set<number>();
  for (const l of labels) for (const run of l?.match(/\d+|[一二三四五六七八九十百]+/g) ?? []) out.add(parseNumber(run));
  return out;
}

/**
 * The figures of `answer` the cited text does not ground, as written.
 * @param also sentences whose figures ground too, each on its own (the extractive lead, a yes/no question's premise).
 * @param labels the cited items' labels: a bare or ordinal number (33, 第33项) may name the item it cites.
 * @param asked the question's concepts: the subject of a figure the answer writes without words around it.
 */
export function figuresUngrounded(
  answer: string,
  cited: CitedText,
  also: readonly string[],
  labels: readonly (string | null)[],
  measures: Measures,
  asked: readonly Concept[],
): string[] {
  const own = citedFigures(measures, cited.sentences);
  const theirs = [...own, ...citedFigures(measures, also.map((s) => [s]))];
  const known = bigramSet(readable(cited.all));
  const numbered = labelNumbers(labels);
  const topical = new Map(theirs.map((t) => [t, coverage(asked, t.text)]));
  const best = Math.max(0, ...own.map((t) => topical.get(t)!));
  const bad: string[] = [];
  for (const sentence of sentencesOf(readable(answer))) {
    for (const clause of clausesOf(sentence)) {
      for (const f of figuresAndYears(measures, clause)) {
        if (f.value === "一") continue; // 一个, 一项 are articles
        const mine = measures.quantity(f);
        if (mine === null) continue; // 十四五 names a plan
        if ((f.unit === "" || f.text.startsWith("第")) && numbered.has(parseNumber(f.value))) continue;
        // The words written next to the figure, as far as the cited text has them at all.
        const around = [...bigramSet(nextTo(clause, f))].filter((b) => known.has(b));
        const need = Math.ceil(around.length / 2);
        const near = (t: CitedFigure) =>
          around.length === 0 ? topical.get(t)! >= best * ALONE_SHARE : around.filter((b) => t.context.has(b)).length >= need;
        const grounded = theirs.some((t) => t.amount === mine.amount && (mine.unit === "" || t.unit === mine.unit) && near(t));
        if (!grounded) bad.push(f.text);
      }
    }
  }
  return [...new Set(bad)];
}
