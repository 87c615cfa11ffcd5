/**
 * Units of retrieval: one passage per item, long items split on sentence boundaries
 * with the document title and heading path repeated, so every passage carries enough
 * context to match and every match leads back to one item.
 */
import { Document } from "@langchain/core/documents";
import type { Corpus, Item } from "../corpus/types.ts";
import { chunkText, passageText, PASSAGE_DEFAULTS } from "./passage-table.ts";

/** Citation data carried by every passage from ingestion on (LangChain Document metadata). */
export interface PassageMetadata {
  readonly [key: string]: unknown;
  /** Stable key of the item: file + "#" + order. */
  readonly itemKey: string;
  readonly file: string;
  readonly label: string | null;
  readonly kind: string;
  readonly order: number;
  readonly chunk: number;
  readonly responsible: readonly string[] | null;
  readonly year: number | null;
}

/** The key that identifies an item across passages, indexes and answers. */
export function itemKey(item: Pick<Item, "file" | "order">): string {
  return `${item.file}#${item.order}`;
}

/** Builds the passages of a corpus, in document order. */
export function buildPassages(corpus: Corpus, options = PASSAGE_DEFAULTS): Document<PassageMetadata>[] {
  const out: Document<PassageMetadata>[] = [];
  for (const doc of corpus.documents) {
    for (const item of doc.items) {
      const chunks = chunkText(item.text, options.maxChars, options.overlapSentences);
      chunks.forEach((chunk, i) => {
        out.push(
          new Document<PassageMetadata>({
            pageContent: passageText(doc.meta, item, chunk),
            metadata: {
              itemKey: itemKey(item),
              file: item.file,
              label: item.label,
              kind: item.kind,
              order: item.order,
              chunk: i,
              responsible: item.responsible,
              year: doc.meta.year,
            },
          }),
        );
      });
    }
  }
  return out;
}
