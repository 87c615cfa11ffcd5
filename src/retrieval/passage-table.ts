/**
 * Units of retrieval: one passage per item, long items split on sentence boundaries
 * with the document title and heading path repeated, so every passage carries enough
 * context to match and every match leads back to one item.
 *
 * The table keeps only which item each passage belongs to (passages of one item are
 * consecutive, numbered from 0); a passage's text is rebuilt from its item when asked.
 * 400,000 passages then cost 1.6 MB instead of their text twice over. Citation data
 * stays with the item (Item, from ingestion on), never re-parsed from a passage's text.
 */
import type { Corpus, DocumentMeta, Item, ParsedDocument } from "../corpus/types.ts";
import { encodeSections, Sections, SectionFormatError } from "../index/binary-sections.ts";
import { timeSlicer } from "../util/time-slice.ts";

/** Passage sizes, in characters. */
export const PASSAGE_DEFAULTS = { maxChars: 320, overlapSentences: 1 } as const;

function splitSentences(text: string): string[] {
  return text.match(/[^。；！？\n]+[。；！？]?\n?|\n/g)?.filter((s) => s.trim() !== "") ?? [text];
}

/** An item's text in passage-sized pieces (the whole text when short enough). */
export function chunkText(
  text: string,
  maxChars: number = PASSAGE_DEFAULTS.maxChars,
  overlap: number = PASSAGE_DEFAULTS.overlapSentences,
): string[] {
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
export function contextOf(meta: DocumentMeta, item: Item): string {
  return [meta.title, ...item.path].join(" ");
}

/** A passage's full text: the context line, then its piece of the item. */
export function passageText(meta: DocumentMeta, item: Item, chunk: string): string {
  return `${contextOf(meta, item)}\n${chunk}`;
}

const FILE_KIND = "policybot-passages/1";

/** Appends a document's items, each with the document (one loop: a flatMap of maps made an array per document). */
function addItems(items: CorpusItem[], d: ParsedDocument): void {
  for (const item of d.items) items.push({ item, meta: d.meta });
}

/** One item of the corpus with its document. */
export interface CorpusItem {
  readonly item: Item;
  readonly meta: DocumentMeta;
}

export class PassageTable {
  /** First passage of each item; length items + 1. */
  private readonly firstPassage: Uint32Array;

  private constructor(
    /** Every item of the corpus, in corpus order. */
    readonly items: readonly CorpusItem[],
    /** The item (index into `items`) of each passage. */
    private readonly itemOf: Uint32Array,
  ) {
    this.firstPassage = new Uint32Array(items.length + 1);
    let p = 0;
    for (let i = 0; i < items.length; i++) {
      this.firstPassage[i] = p;
      while (p < itemOf.length && itemOf[p] === i) p++;
    }
    this.firstPassage[items.length] = p;
    if (p !== itemOf.length) throw new SectionFormatError("passages are not in item order");
  }

  /** The items of a corpus, in order. */
  static itemsOf(corpus: Corpus): CorpusItem[] {
    const items: CorpusItem[] = [];
    for (const d of corpus.documents) addItems(items, d);
    return items;
  }

  /** Splits every item of the corpus into passages, in corpus order. */
  static build(corpus: Corpus): PassageTable {
    const items = PassageTable.itemsOf(corpus);
    const itemOf: number[] = [];
    items.forEach(({ item }, i) => {
      for (let k = chunkText(item.text).length; k > 0; k--) itemOf.push(i);
    });
    return new PassageTable(items, Uint32Array.from(itemOf));
  }

  /**
   * Reads a saved table for the corpus it was built from, listing the corpus's items in
   * time slices: a reindex opens it while questions are answered, and listing the 75,000
   * items of 2,000 circulars at once held the thread 21–37 ms.
   * @throws {SectionFormatError} when the bytes are not one, or not for this corpus.
   */
  static async decode(bytes: Buffer, corpus: Corpus): Promise<PassageTable> {
    const s = Sections.decode(bytes, FILE_KIND);
    const slice = timeSlicer(4);
    const items: CorpusItem[] = [];
    for (const d of corpus.documents) {
      addItems(items, d);
      if (slice.due()) await slice.pause();
    }
    const itemOf = s.get("itemOf", "u32");
    let beyond = false;
    for (let p = 0; p < itemOf.length; p++) if (itemOf[p]! >= items.length) beyond = true;
    if ((s.meta as { items?: unknown })?.items !== items.length || beyond) {
      throw new SectionFormatError("passages do not belong to this corpus");
    }
    return new PassageTable(items, itemOf);
  }

  encode(): Buffer[] {
    return encodeSections(FILE_KIND, { items: this.items.length }, { itemOf: this.itemOf });
  }

  /** Number of passages. */
  get size(): number {
    return this.itemOf.length;
  }

  /** Index into `items` of passage p's item. */
  itemIndex(p: number): number {
    return this.itemOf[p]!;
  }

  /** Passage p's item and document. */
  item(p: number): CorpusItem {
    return this.items[this.itemOf[p]!]!;
  }

  /** Which piece of its item passage p is (0 for the first). */
  chunk(p: number): number {
    return p - this.firstPassage[this.itemOf[p]!]!;
  }

  /** Passage p's piece of its item's text (without the context line). */
  chunkText(p: number): string {
    const { item } = this.item(p);
    const chunks = this.firstPassage[this.itemOf[p]! + 1]! - this.firstPassage[this.itemOf[p]!]!;
    return chunks === 1 ? item.text : chunkText(item.text)[this.chunk(p)]!;
  }

  /** Passage p's full text, as indexed. */
  text(p: number): string {
    const { item, meta } = this.item(p);
    return passageText(meta, item, this.chunkText(p));
  }

  /** The texts of passages `from` to `to` (exclusive), in order. */
  *texts(from = 0, to = this.size): Generator<string> {
    for (let p = from; p < to; p++) yield this.text(p);
  }
}
