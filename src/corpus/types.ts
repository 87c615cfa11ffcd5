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
  /**
   * Facts about the circular itself, each with the item and words it was read from. Always
   * set by the corpus parser; optional only so that metadata built by hand elsewhere stays valid.
   */
  readonly facts?: DocumentFacts;
}

/** Where a fact about a document was read: one of its items, and the exact words. */
export interface FactSource {
  /** The item's `order` in its document. */
  readonly order: number;
  /** The item's label; null for unnumbered text such as the cover letter. */
  readonly label: string | null;
  /** The words the fact was read from, exactly as they stand in the item's text (a substring of Item.text). */
  readonly quote: string;
}

/** A value read from a document, with where it was read. */
export interface Fact<T> {
  readonly value: T;
  readonly source: FactSource;
}

/** Whether a circular may be published: 此件公开发布 / 主动公开 (public), 依申请公开 (on request), 不予公开 (not public). */
export type Publicity = "public" | "on-request" | "not-public";

/** A document a circular says it is based on (根据 / 依据 / 落实《…》（…号）). */
export interface BasisDocument {
  /** The title without 《》, e.g. 关于深化现代职业教育体系建设改革的意见. */
  readonly title: string;
  /** Its document number when the text gives one, canonical (中办发〔2022〕65号); else null. */
  readonly docNumber: string | null;
}

/** When a circular takes effect (自2024年1月1日起施行 / 自发布之日起实施). */
export interface Effect {
  /** ISO date (YYYY-MM-DD, or YYYY-MM when only a month is named) when the text names one; null otherwise. */
  readonly from: string | null;
  /** True when it takes effect on the day it is issued (自发布之日起 / 自印发之日起). */
  readonly onIssue: boolean;
}

/** How long a circular stays in force (有效期至2028年12月31日 / 有效期5年). */
export interface Validity {
  /** ISO date of the last day, when named; else null. */
  readonly until: string | null;
  /** The period as written (5年, 两年, 6个月), when named; else null. */
  readonly term: string | null;
}

/** An attachment of a circular (附件：1. … 2. …, or an 附件 heading in the body). */
export interface Attachment {
  /** Its number (附件2 → 2); null for a single unnumbered 附件. */
  readonly number: number | null;
  readonly title: string;
}

/** How many numbered items a circular has, by kind (items, measures, boxes, rows, articles…). */
export interface ItemCounts {
  /** Items with a label. */
  readonly numbered: number;
  /** Numbered items per kind; kinds the document does not use are absent. */
  readonly byKind: Readonly<Partial<Record<ItemKind, number>>>;
}

/**
 * Facts about a circular, derived from its text by layout. A fact the document does not
 * state is null (or [] for lists). `issuer`, `docNumber` and `date` carry the same values
 * as DocumentMeta's, with their sources.
 */
export interface DocumentFacts {
  readonly issuer: Fact<string> | null;
  /** Canonical form (see findDocNumbers); the quote keeps it as written. */
  readonly docNumber: Fact<string> | null;
  /** ISO date of issue. */
  readonly date: Fact<string> | null;
  /** The printing line at the foot (…办公室2022年1月14日印发): the office and ISO date. */
  readonly printed: Fact<{ readonly office: string; readonly date: string }> | null;
  /** 主送: the addressees in the document's order, one entry per group between commas (各部、局、中心). */
  readonly addressees: Fact<readonly string[]> | null;
  readonly publicity: Fact<Publicity> | null;
  /** The documents it is based on, in the order the text names them. */
  readonly basis: readonly Fact<BasisDocument>[];
  /** 联系单位. */
  readonly contactOffice: Fact<string> | null;
  /** 联系人. */
  readonly contactPerson: Fact<string> | null;
  /** 联系电话, as written (several numbers stay together). */
  readonly contactPhone: Fact<string> | null;
  readonly effective: Fact<Effect> | null;
  readonly validity: Fact<Validity> | null;
  readonly attachments: readonly Fact<Attachment>[];
  /** Counted from the parsed items; no quote, the items themselves are the source. */
  readonly counts: ItemCounts;
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
  /**
   * The unit the item says leads it (由X牵头, （X牵头）, 牵头单位：X), as written (co-leads
   * keep their 、); null where the item does not say, including where only typography
   * marked the lead (002's 黑体为牵头部门: the bold is lost in the text). Always set by the
   * corpus parser; optional only so that items built by hand elsewhere stay valid.
   */
  readonly lead?: string | null;
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
  /**
   * The responsible-unit names of every item, each once, in order of first appearance;
   * set by a corpus read from an index (read them through responsibleNames()).
   */
  readonly unitNames?: readonly string[];
}
