/**
 * Shapes of the parsed corpus: what ingestion produces and every later stage reads.
 * Citation data (file, label, responsible units) is fixed here, at ingestion, and is
 * carried in metadata from then on; nothing downstream re-parses it from text.
 */

/** Facts about one circular, derived from its text. */
export interface DocumentMeta {
  /** The seed file name; the document's stable id. */
  readonly file: string;
  /** e.g. 2023年山东省职业教育工作要点 */
  readonly title: string;
  /** 文号 such as 鲁教职处函〔2023〕1号; null when the document has none. */
  readonly docNumber: string | null;
  /** Issuing body, e.g. 山东省教育厅职业教育处; null when not stated. */
  readonly issuer: string | null;
  /** ISO date (YYYY-MM-DD) the document was issued; null when not stated. */
  readonly date: string | null;
  /** Year used to tell newer from older documents (from the date, else the title). */
  readonly year: number | null;
}

/** The kind of numbered unit an item is, from the document's layout. */
export type ItemKind =
  | "item" // flat numbered item: 1. 2. …
  | "appendix" // attachment list item: 附件12
  | "section" // 一、 or （一） with its own text
  | "subitem" // 三、（二）2.
  | "box" // 专栏1
  | "row" // a table row, labelled by its 序号
  | "chapter" // 第一章
  | "article" // 第一条
  | "text"; // unnumbered text (label null)

/** One citable unit of a document. */
export interface Item {
  readonly file: string;
  /** Canonical label (CONTRACT §2), e.g. "三、（二）2."; null for unnumbered text. */
  readonly label: string | null;
  readonly kind: ItemKind;
  /** Headings of the enclosing sections, outermost first, e.g. ["三、主要任务", "（二）实施培养体系建设工程…"]. */
  readonly path: readonly string[];
  /** The item's own heading line when it has one (e.g. 加强党的全面领导), else "". */
  readonly heading: string;
  /** Full normalised text of the item, numbering included, no layout artefacts. */
  readonly text: string;
  /** Units named as responsible (责任单位 / 责任部门), document order; null when none. */
  readonly responsible: readonly string[] | null;
  /** Position of the item in its document, 0-based, for stable ordering. */
  readonly order: number;
}

/** A document with its items, as parsed. */
export interface ParsedDocument {
  readonly meta: DocumentMeta;
  readonly items: readonly Item[];
}

/** A file that could not be (fully) ingested, with a message a person can act on. */
export interface IngestProblem {
  readonly file: string;
  /** error: the file was not indexed; warning: indexed, but check it; info: handled, nothing to do. */
  readonly severity: "error" | "warning" | "info";
  readonly message: string;
}

/** Everything ingestion produced from a seeds folder. */
export interface Corpus {
  readonly documents: readonly ParsedDocument[];
  readonly problems: readonly IngestProblem[];
}
