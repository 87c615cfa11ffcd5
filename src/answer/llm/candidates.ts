/**
 * The items a model may cite for one question: what the extractive answer cites,
 * then the next retrieved items (their text looked up in the corpus), so that the model
 * can combine or correct the extractive choice without seeing the whole corpus.
 */
import type { Corpus, DocumentMeta, Item } from "../../corpus/types.ts";
import type { Answer, Citation } from "../types.ts";

/** Retrieved items offered besides the extractive citations, at most this many in all. */
export const DEFAULT_MAX_CANDIDATES = 6;

const refKey = (file: string, label: string | null) => `${file}\u0000${label ?? ""}`;

/** Looks numbered items up by file and label; unnumbered text is ambiguous and is not looked up. */
export class CitationLookup {
  private readonly byRef = new Map<string, { item: Item; meta: DocumentMeta }>();

  constructor(corpus: Corpus) {
    for (const d of corpus.documents)
      for (const item of d.items) if (item.label !== null) this.byRef.set(refKey(item.file, item.label), { item, meta: d.meta });
  }

  /** The item as a citation with the retriever's score, or null when not found. */
  citation(file: string, label: string | null, score: number): Citation | null {
    if (label === null) return null;
    const hit = this.byRef.get(refKey(file, label));
    if (!hit) return null;
    const { meta, item } = hit;
    return { file, label, title: meta.title, docNumber: meta.docNumber, date: meta.date, kind: item.kind, text: item.text, score };
  }
}

/** The extractive citations first, then retrieved items in rank order, without repeats. */
export function candidateCitations(
  draft: Pick<Answer, "citations" | "retrieved">,
  lookup: CitationLookup,
  max: number = DEFAULT_MAX_CANDIDATES,
): Citation[] {
  const out: Citation[] = [...draft.citations];
  const seen = new Set(out.map((c) => refKey(c.file, c.label)));
  for (const r of draft.retrieved) {
    if (out.length >= max) break;
    if (seen.has(refKey(r.file, r.label))) continue;
    const c = lookup.citation(r.file, r.label, r.score);
    if (!c) continue;
    seen.add(refKey(r.file, r.label));
    out.push(c);
  }
  return out;
}
