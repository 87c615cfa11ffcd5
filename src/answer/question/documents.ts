/**
 * Which circulars a question points at: by a document number it quotes (鲁教职处函〔2023〕1号),
 * by words of a title (技工规划, 任务清单, 高新区措施) weighted by how few titles share
 * them, and by a year that dates one document. A reference (第7条) and a list (哪些条目)
 * are read within the documents the question points at; search gives them a lift.
 */
import type { DocumentMeta, ParsedDocument } from "../../corpus/types.ts";
import { findDocNumbers, sameDocNumber } from "../../corpus/document-number.ts";
import { bigramSet } from "../../text/bigrams.ts";

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

export class DocumentFinder {
  private readonly weights = new Map<string, number>();
  private readonly titles: { meta: DocumentMeta; pairs: Set<string> }[];

  constructor(documents: readonly ParsedDocument[]) {
    this.titles = documents.map((d) => ({ meta: d.meta, pairs: bigramSet(d.meta.title) }));
    const df = new Map<string, number>();
    for (const t of this.titles) for (const p of t.pairs) df.set(p, (df.get(p) ?? 0) + 1);
    // In how many documents' texts each title pair is written: one pass over each text's pairs.
    const used = new Map<string, number>();
    for (const d of documents) {
      for (const p of bigramSet(d.items.map((i) => i.text).join(""))) if (df.has(p)) used.set(p, (used.get(p) ?? 0) + 1);
    }
    const n = this.titles.length;
    for (const [p, count] of df) {
      const generic = n > 1 && (used.get(p) ?? 0) >= DOCUMENT_DEFAULTS.genericShare * n;
      this.weights.set(p, n <= 1 ? 1 : generic || count === n ? 0 : Math.log(n / count) / Math.log(n));
    }
  }

  /** Every document's strength for a normalised question (years expanded), strongest first. */
  strengths(question: string, years: readonly number[]): DocumentPointer[] {
    const pairs = bigramSet(question);
    const numbers = findDocNumbers(question);
    return this.titles
      .map(({ meta, pairs: title }) => {
        let strength = 0;
        for (const p of title) if (pairs.has(p)) strength += this.weights.get(p)!;
        if (meta.year !== null && years.includes(meta.year)) strength += DOCUMENT_DEFAULTS.yearWeight;
        if (meta.docNumber && numbers.some((n) => sameDocNumber(n, meta.docNumber!))) strength += DOCUMENT_DEFAULTS.numberWeight;
        return { file: meta.file, strength };
      })
      .sort((a, b) => b.strength - a.strength);
  }

  /**
   * A document the question names by a year none has: "22年的职教工作要点" when there are
   * 要点 of 2021 and 2023 only. The name must follow the year closely; null when every
   * year the question names a document by exists (or it names none).
   */
  missing(question: string): string | null {
    // Only a yearly series names its documents by year (2021年…工作要点, 2023年…工作要点).
    const series = this.titles.filter((t) => /(19|20)\d{2}年/.test(t.meta.title));
    for (const m of question.matchAll(/(20\d{2})年([^，。,.；;？?！!\s]{0,8})/gu)) {
      const year = Number(m[1]);
      const after = m[2]!;
      const pairs = [...bigramSet(after)].filter((p) => (this.weights.get(p) ?? 0) > 0);
      const named = series.filter((t) => pairs.some((p) => t.pairs.has(p)));
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
    return close.length > DOCUMENT_DEFAULTS.maxPointed || close.length === all.length ? [] : close.map((d) => d.file);
  }
}
