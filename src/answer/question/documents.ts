/**
 * Which circulars a question points at: by a document number it quotes (鲁教职处函〔2023〕1号),
 * by words of a title (技工规划, 任务清单, 高新区措施) weighted by how few titles share
 * them, and by a year that dates one document. A reference (第7条) and a list (哪些条目)
 * are read within the documents the question points at; search gives them a lift.
 */
import type { DocumentMeta, ParsedDocument } from "../../corpus/types.ts";
import { findDocNumbers, sameDocNumber } from "../../corpus/document-number.ts";
import { bigramSet } from "../../text/bigrams.ts";
import { pushTo } from "../../util/multimap.ts";
import { timeSlicer } from "../../util/time-slice.ts";

/** How strongly a question points at one document. */
export interface DocumentPointer {
  readonly file: string;
  readonly strength: number;
}

/**
 * Thresholds of "points at". A title pair weighs log(N/df)/log(N): 1 when one title of N
 * has it, less when several do, nothing when every title does — or when most documents
 * use it in their text (职业, 质量, 发展 name no document, wherever they stand in a title).
 */
export const DOCUMENT_DEFAULTS = {
  /** A year that dates a document counts like this share of a title pair of its own. */
  yearWeight: 0.8,
  /** A document number quoted in the question decides on its own. */
  numberWeight: 10,
  /** The best document must reach this strength (one pair of its own title)… */
  minStrength: 1.0,
  /** …and lead the next one by this much, unless both are named (compare questions). */
  minMargin: 0.3,
  /** More documents than this at the top means the question names none of them. */
  maxPointed: 2,
  /** A title pair written in at least this share of the documents' texts is generic. */
  genericShare: 0.8,
} as const;

/** In how many documents' texts a pair of characters is written. */
export type DocumentsWith = (pair: string) => number;

/** A document's title, as its pairs. */
interface Title {
  readonly meta: DocumentMeta;
  readonly pairs: Set<string>;
}

export class DocumentFinder {
  private readonly weights = new Map<string, number>();
  private readonly titles: Title[] = [];
  /** For each title pair, the documents (positions in `titles`, ascending) whose title has it. */
  private readonly byPair = new Map<string, number[]>();
  private readonly byYear = new Map<number, number[]>();
  private readonly numbered: number[] = [];
  /** Documents of a yearly series (a year in the title): only these are named by a year. */
  private readonly series: Title[] = [];

  /** Per title, the strength summed for the question at hand (all 0 between questions). */
  private sums?: Float64Array;
  /** The last question's strengths. */
  private last?: { readonly key: string; readonly pointers: readonly DocumentPointer[] };

  private constructor(private readonly documentsWith: DocumentsWith) {}

  /**
   * Titles are indexed by their pairs, so a question costs the documents sharing its
   * pairs, not a pass over every title; a pair's weight is worked out the first time a
   * question has it. Indexed in time slices: 2,000 titles held the thread 47 ms in one
   * piece while a rebuilt index was opened beside a serving one.
   */
  static async of(documents: readonly ParsedDocument[], documentsWith: DocumentsWith): Promise<DocumentFinder> {
    const finder = new DocumentFinder(documentsWith);
    const slice = timeSlicer();
    for (const d of documents) {
      finder.add(d.meta);
      if (slice.due()) await slice.pause();
    }
    return finder;
  }

  private add(meta: DocumentMeta): void {
    const k = this.titles.length;
    const title = { meta, pairs: bigramSet(meta.title) };
    this.titles.push(title);
    for (const p of title.pairs) pushTo(this.byPair, p, k);
    if (meta.year !== null) pushTo(this.byYear, meta.year, k);
    if (meta.docNumber) this.numbered.push(k);
    // Only a yearly series names its documents by year (2021年…工作要点, 2023年…工作要点).
    if (/(19|20)\d{2}年/.test(meta.title)) this.series.push(title);
  }

  /**
   * log(N/df)/log(N) over titles; 0 for a pair every title has, or one most documents' texts
   * write (generic). Worked out the first time a question has the pair, not ahead: the
   * documents' count is a lookup in the frequency index (saved at build), and working out
   * every title pair's weight at warm-up took 53–67 ms of the answering thread at 2,000
   * circulars, also while a rebuilt index opened beside a serving one.
   */
  private weight(pair: string): number {
    let w = this.weights.get(pair);
    if (w === undefined) {
      const n = this.titles.length;
      const count = this.byPair.get(pair)?.length ?? 0;
      const generic = n > 1 && this.documentsWith(pair) >= DOCUMENT_DEFAULTS.genericShare * n;
      w = n <= 1 ? 1 : generic || count === n ? 0 : Math.log(n / count) / Math.log(n);
      this.weights.set(pair, w);
    }
    return w;
  }

  /**
   * The documents with any strength for a normalised question (years expanded), strongest
   * first. Summed in an array over the titles, skipping pairs that weigh nothing: at 10,000
   * circulars a common title pair's documents run to thousands, and a map of them was 7 %
   * of a question's first ask. Asked twice per question (mentioned, pointedAt): the last
   * answer is kept.
   */
  strengths(question: string, years: readonly number[]): readonly DocumentPointer[] {
    const key = `${years.join(",")}\u0000${question}`;
    if (this.last?.key === key) return this.last.pointers;
    const strength = (this.sums ??= new Float64Array(this.titles.length));
    const touched: number[] = [];
    const add = (k: number, s: number) => {
      if (strength[k] === 0) touched.push(k);
      strength[k]! += s;
    };
    for (const p of bigramSet(question)) {
      const w = this.byPair.has(p) ? this.weight(p) : 0;
      if (w > 0) for (const k of this.byPair.get(p)!) add(k, w);
    }
    for (const y of new Set(years)) for (const k of this.byYear.get(y) ?? []) add(k, DOCUMENT_DEFAULTS.yearWeight);
    const numbers = findDocNumbers(question);
    if (numbers.length > 0) {
      for (const k of this.numbered) {
        if (numbers.some((n) => sameDocNumber(n, this.titles[k]!.meta.docNumber!))) add(k, DOCUMENT_DEFAULTS.numberWeight);
      }
    }
    const found = touched.map((k) => [k, strength[k]!] as const);
    for (const k of touched) strength[k] = 0;
    const pointers = found
      .filter(([, s]) => s > 0)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .map(([k, s]) => ({ file: this.titles[k]!.meta.file, strength: s }));
    this.last = { key, pointers };
    return pointers;
  }

  /**
   * A document the question names by a year none has: "22年的职教工作要点" when there are
   * 要点 of 2021 and 2023 only. The name must follow the year closely; null when every
   * year the question names a document by exists (or it names none).
   */
  missing(question: string): string | null {
    for (const m of question.matchAll(/(20\d{2})年([^，。,.；;？?！!\s]{0,8})/gu)) {
      const year = Number(m[1]);
      const after = m[2]!;
      const pairs = [...bigramSet(after)].filter((p) => this.byPair.has(p) && this.weight(p) > 0);
      const named = this.series.filter((t) => pairs.some((p) => t.pairs.has(p)));
      if (named.length > 0 && !named.some((t) => t.meta.year === year)) {
        const end = Math.max(...pairs.filter((p) => named.some((t) => t.pairs.has(p))).map((p) => after.indexOf(p) + 2));
        return `${year}年${after.slice(0, end)}`;
      }
    }
    return null;
  }

  /** Every document named strongly enough, when they are few (a comparison of two or three). */
  mentioned(question: string, years: readonly number[]): string[] {
    const named = this.strengths(question, years).filter((d) => d.strength >= DOCUMENT_DEFAULTS.minStrength);
    return named.length > DOCUMENT_DEFAULTS.maxPointed + 1 ? [] : named.map((d) => d.file);
  }

  /**
   * The documents a question points at: the strongest, when it is strong enough and
   * clearly ahead; several when several are (two years compared). Empty: any document.
   */
  pointedAt(question: string, years: readonly number[]): string[] {
    const all = this.strengths(question, years);
    const top = all[0];
    if (!top || top.strength < DOCUMENT_DEFAULTS.minStrength) return [];
    const close = all.filter((d) => d.strength >= DOCUMENT_DEFAULTS.minStrength && top.strength - d.strength < DOCUMENT_DEFAULTS.minMargin);
    return close.length > DOCUMENT_DEFAULTS.maxPointed || close.length === this.titles.length ? [] : close.map((d) => d.file);
  }
}
