/**
 * The facts about a circular the meta kind answers with, each with the text it was read
 * from (so the answer quotes and cites it). Read from the document's metadata, which
 * ingestion derives from the layout.
 */
import type { ParsedDocument } from "../../corpus/types.ts";
import type { MetaFact } from "../../lexicon/vocabulary.ts";

/** One fact: the value a reader sees, and the span of the document it comes from. */
export interface DocumentFact {
  readonly value: string;
  readonly quote: string;
}

export type DocumentFactSet = Partial<Record<MetaFact, DocumentFact>>;

/** The facts of a document that ingestion found. */
export function documentFacts(doc: ParsedDocument): DocumentFactSet {
  const m = doc.meta;
  const out: DocumentFactSet = {};
  if (m.docNumber) out.docNumber = { value: m.docNumber, quote: m.docNumber };
  if (m.issuer) out.issuer = { value: m.issuer, quote: m.issuer };
  if (m.date) {
    const [y, mo, d] = m.date.split("-").map(Number);
    const written = `${y}年${mo}月${d}日`;
    out.date = { value: `${written}${m.issuer ? `（${m.issuer}印发）` : ""}`, quote: written };
  }
  return out;
}
