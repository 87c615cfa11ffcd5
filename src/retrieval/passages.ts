/**
 * Units of retrieval: one passage per item, long items split on sentence boundaries
 * with the document title and heading path repeated, so every passage carries enough
 * context to match and every match leads back to one item.
 */
import { Document } from "@langchain/core/documents";
import type { Corpus, DocumentMeta, Item } from "../corpus/types.ts";

/** Passage sizes, in characters. */
export const PASSAGE_DEFAULTS = { maxChars: 320, overlapSentences: 1 } as const;

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

function splitSentences(text: string): string[] {
  return text.match(/[^。；！？\n]+[。；！？]?\n?|\n/g)?.filter((s) => s.trim() !== "") ?? [text];
}

function chunkText(text: string, maxChars: number, overlap: number): string[] {
  if (text.length <= maxChars * 1.3) return [text];
  const sentences = splitSentences(text);
  const chunks: string[] = [];
  let start = 0;
  while (start < sentences.length) {
    let end = start;
    let size = 0;
    while (end < sentences.length && (size === 0 || size + sentences[end]!.length <= maxChars)) size += sentences[end++]!.length;
    chunks.push(sentences.slice(start, end).join("").trim());
    if (end >= sentences.length) break;
    start = Math.max(start + 1, end - overlap);
  }
  return chunks;
}

/** The context line matched along with a passage: title, headings, the item's own heading. */
function contextOf(meta: DocumentMeta, item: Item): string {
  return [meta.title, ...item.path].join(" ");
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
            pageContent: `${contextOf(doc.meta, item)}\n${chunk}`,
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
