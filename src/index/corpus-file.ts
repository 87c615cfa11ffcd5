/**
 * The parsed corpus as the index saves it, so that a start reads it back instead of
 * parsing every circular again (10,000 circulars parse in about half a minute). Binary
 * sections: every distinct string once in a UTF-16 blob, every distinct list (heading
 * path, responsible units) once, items as columns of string and list numbers; decoding
 * shares one string, and one array, between all items that have it. Nothing is decoded
 * at open: items read their fields from the columns, and strings, lists, texts (a table
 * of their own, left in the file) and a document's facts are decoded when first asked
 * for (see StoredStrings). A document's facts (issuer, addressees, basis… with their
 * sources) are one JSON line each: a few hundred bytes per circular, read as they were
 * written. Building the documents runs in time slices, so that swapping in a rebuilt
 * index never holds the event loop long.
 */
import type { Corpus, DocumentFacts, DocumentMeta, IngestProblem, Item, ItemKind, ParsedDocument } from "../corpus/types.ts";
import { timeSlicer, type TimeSlicer } from "../util/time-slice.ts";
import { encodeSections, Sections, SectionFormatError, TEXTS_IN_MEMORY, type ByteSource } from "./binary-sections.ts";

const FILE_KIND = "policybot-corpus/4";

/** Item texts kept decoded (see StoredStrings): a question reads a few hundred, the same ones several times. */
const RECENT_TEXTS = 4096;
/** String number meaning null. */
const NONE = 0xffffffff;
const NO_YEAR = -0x80000000;
const ITEM_KINDS: readonly ItemKind[] = ["item", "appendix", "section", "subitem", "box", "row", "chapter", "article", "text"];

/**
 * Distinct lists of strings (heading paths, responsible units), each stored once: a
 * section's items share one path, and decoding builds each array once.
 */
class ListTable {
  private readonly ids = new Map<string, number>();
  readonly start: number[] = [0];
  readonly refs: number[] = [];

  /** The list's number; `null` is NONE. */
  add(list: readonly number[] | null): number {
    if (list === null) return NONE;
    const key = list.join(",");
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(key, id);
      this.refs.push(...list);
      this.start.push(this.refs.length);
    }
    return id;
  }
}

/** Distinct strings, each stored once, numbered in the order first added. */
class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly blob: Buffer[] = [];
  private readonly starts: number[] = [0];
  private units = 0;

  /** The string's number; `null` is NONE. */
  add(s: string | null): number {
    if (s === null) return NONE;
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(s, id);
      this.blob.push(Buffer.from(s, "utf16le"));
      this.units += s.length;
      this.starts.push(this.units);
    }
    return id;
  }

  get size(): number {
    return this.ids.size;
  }

  /** The `text` (UTF-16) and `start` (code unit offsets) sections. */
  sections(prefix: string): Record<string, Uint8Array | Uint32Array> {
    const text = Buffer.concat(this.blob);
    return {
      [`${prefix}.text`]: new Uint8Array(text.buffer, text.byteOffset, text.byteLength),
      [`${prefix}.start`]: Uint32Array.from(this.starts),
    };
  }
}

/** Encodes a corpus; read it back with {@link openCorpus}. */
export function encodeCorpus(corpus: Corpus): Buffer[] {
  const strings = new StringTable();
  const texts = new StringTable();
  const ref = (s: string | null) => strings.add(s);
  const docs = corpus.documents;
  const docMeta = new Uint32Array(docs.length * 5);
  const docYear = new Int32Array(docs.length);
  const itemStart = new Uint32Array(docs.length + 1);
  const items = docs.flatMap((d) => d.items);
  const label = new Uint32Array(items.length);
  const kind = new Uint8Array(items.length);
  const heading = new Uint32Array(items.length);
  const text = new Uint32Array(items.length);
  const order = new Uint32Array(items.length);
  const path = new Uint32Array(items.length);
  const responsible = new Uint32Array(items.length);
  const lead = new Uint32Array(items.length);
  const lists = new ListTable();
  let i = 0;
  docs.forEach((d, k) => {
    const m = d.meta;
    docMeta.set([ref(m.file), ref(m.title), ref(m.docNumber), ref(m.issuer), ref(m.date)], k * 5);
    docYear[k] = m.year ?? NO_YEAR;
    itemStart[k] = i;
    for (const item of d.items) {
      label[i] = ref(item.label);
      kind[i] = ITEM_KINDS.indexOf(item.kind);
      heading[i] = ref(item.heading);
      text[i] = texts.add(item.text);
      order[i] = item.order;
      path[i] = lists.add(item.path.map(ref));
      responsible[i] = lists.add(item.responsible && item.responsible.map(ref));
      lead[i] = ref(item.lead ?? null);
      i++;
    }
  });
  itemStart[docs.length] = i;
  const problems = Buffer.from(corpus.problems.map((p) => JSON.stringify(p)).join("\n"), "utf8");
  const facts = Buffer.from(docs.map((d) => (d.meta.facts ? JSON.stringify(d.meta.facts) : "")).join("\n"), "utf8");
  return encodeSections(
    FILE_KIND,
    { documents: docs.length, items: items.length, strings: strings.size, lists: lists.start.length - 1, texts: texts.size },
    {
      ...strings.sections("strings"),
      ...texts.sections("texts"),
      "lists.start": Uint32Array.from(lists.start),
      "lists.refs": Uint32Array.from(lists.refs),
      "doc.meta": docMeta,
      "doc.year": docYear,
      "doc.itemStart": itemStart,
      "item.label": label,
      "item.kind": kind,
      "item.heading": heading,
      "item.text": text,
      "item.order": order,
      "item.path": path,
      "item.responsible": responsible,
      "item.lead": lead,
      "doc.facts": new Uint8Array(facts.buffer, facts.byteOffset, facts.byteLength),
      problems: new Uint8Array(problems.buffer, problems.byteOffset, problems.byteLength),
    },
  );
}

/**
 * Opens a corpus file saved by {@link encodeCorpus}. Item texts larger in all than
 * `textsInMemory` stay in the file, and each is read when an item's `text` is asked for:
 * at 10,000 circulars a bot then serves with 1,358 MB, against 1,452 MB holding them, for a
 * few hundred reads a question (2,000 circulars: 122 at the median, 275 at p95, a few
 * microseconds each, about a millisecond a question).
 * @throws {SectionFormatError} when the file is not a saved corpus.
 */
export async function openCorpus(
  saved: { readonly file: string },
  { textsInMemory = TEXTS_IN_MEMORY }: { readonly textsInMemory?: number } = {},
): Promise<Corpus> {
  return readCorpus(await Sections.open(saved.file, FILE_KIND, (name, bytes) => name === "texts.text" && bytes > textsInMemory));
}

/**
 * A string table whose strings are decoded when asked, each once (`keep` "all") or the
 * latest `keep` of them. A start used to decode every string and build every item in
 * full: at 10,000 circulars 470,000 strings, 375,000 items and 111 MB of item text, which
 * took 1.4–1.6 s of a 5.5–6 s restart, and collecting the garbage it made most of another
 * 0.9–1.3 s, while a question reads a few hundred items.
 */
class StoredStrings {
  private readonly all: (string | undefined)[];
  private readonly recent = new Map<number, string>();

  constructor(
    private readonly bytes: ByteSource,
    private readonly starts: Uint32Array,
    private readonly keep: number | "all",
    what: string,
  ) {
    const count = starts.length - 1;
    // Sized up front: filling an empty array at scattered indexes makes V8 switch it to a slow dictionary.
    this.all = new Array(keep === "all" ? count : 0);
    if (starts[count]! * 2 !== bytes.length) throw new SectionFormatError(`${what} do not match their table`);
    checkAscending(starts, `${what} are out of order`);
  }

  get size(): number {
    return this.starts.length - 1;
  }

  get(id: number): string {
    let text = this.keep === "all" ? this.all[id] : this.recent.get(id);
    if (text !== undefined) return text;
    const from = this.starts[id]!;
    const view = this.bytes.read(from * 2, (this.starts[id + 1]! - from) * 2);
    text = Buffer.from(view.buffer, view.byteOffset, view.byteLength).toString("utf16le");
    if (this.keep === "all") this.all[id] = text;
    else {
      if (this.recent.size >= this.keep) this.recent.delete(this.recent.keys().next().value!);
      this.recent.set(id, text);
    }
    return text;
  }
}

/** Throws `message` unless the offsets never go down (each entry starts where the one before it ends, or later). */
function checkAscending(starts: Uint32Array, message: string): void {
  for (let k = 0; k + 1 < starts.length; k++) if (starts[k + 1]! < starts[k]!) throw new SectionFormatError(message);
}

/** The saved columns of every item: string, list and text numbers, kinds, orders. */
interface ItemFields {
  readonly label: Uint32Array;
  readonly kind: Uint8Array;
  readonly heading: Uint32Array;
  readonly text: Uint32Array;
  readonly order: Uint32Array;
  readonly path: Uint32Array;
  readonly responsible: Uint32Array;
  readonly lead: Uint32Array;
}

/** The item columns of a saved corpus, checked once at open; items read their fields from here. */
class ItemColumns {
  private readonly lists: (readonly string[] | undefined)[];

  /** The columns as saved: {@link check} them before use. */
  constructor(
    readonly strings: StoredStrings,
    readonly texts: StoredStrings,
    private readonly listStart: Uint32Array,
    private readonly listRefs: Uint32Array,
    readonly item: ItemFields,
  ) {
    this.lists = new Array(listStart.length - 1);
  }

  /**
   * Checks that every string, list and text number is in range and every kind valid, a
   * column at a time, letting the event loop run between them (a rebuilt corpus is opened
   * while the old one answers: at 2,000 circulars the opening held the thread up to 60 ms).
   * @throws {SectionFormatError} naming the first item or list that is not.
   */
  async check(slice: TimeSlicer): Promise<void> {
    const { strings, texts, listStart, listRefs, item } = this;
    const S = strings.size;
    const L = listStart.length - 1;
    checkAscending(listStart, "list table is out of order");
    for (const r of listRefs) if (r >= S) throw new SectionFormatError("a list names a string that does not exist");
    const columns: [Uint32Array, number, string, boolean][] = [
      [item.label, S, "label", true],
      [item.heading, S, "heading", false],
      [item.lead, S, "lead", true],
      [item.text, texts.size, "text", false],
      [item.path, L, "path", false],
      [item.responsible, L, "responsible units", true],
    ];
    for (const [column, bound, what, nullable] of columns) {
      for (let i = 0; i < column.length; i++) {
        const v = column[i]!;
        if (v >= bound && !(nullable && v === NONE)) throw new SectionFormatError(`item ${i}'s ${what} does not exist`);
      }
      if (slice.due()) await slice.pause();
    }
    for (let i = 0; i < item.kind.length; i++) {
      if (item.kind[i]! >= ITEM_KINDS.length) throw new SectionFormatError(`item ${i} has no valid kind`);
    }
  }

  strOrNull(id: number): string | null {
    return id === NONE ? null : this.strings.get(id);
  }

  /** Corpus.unitNames: the names in the items' responsible lists, each once, in order of first appearance (in time slices). */
  async responsibleNames(slice: TimeSlicer): Promise<string[]> {
    const listSeen = new Uint8Array(this.listStart.length - 1);
    const nameSeen = new Uint8Array(this.strings.size);
    const names: string[] = [];
    const { responsible } = this.item;
    for (let i = 0; i < responsible.length; i++) {
      if ((i & 1023) === 0 && slice.due()) await slice.pause();
      const list = responsible[i]!;
      if (list === NONE || listSeen[list]) continue;
      listSeen[list] = 1;
      for (let r = this.listStart[list]!; r < this.listStart[list + 1]!; r++) {
        const name = this.listRefs[r]!;
        if (nameSeen[name]) continue;
        nameSeen[name] = 1;
        names.push(this.strings.get(name));
      }
    }
    return names;
  }

  list(id: number): readonly string[] {
    let list = this.lists[id];
    if (list === undefined) {
      list = Array.from(this.listRefs.subarray(this.listStart[id], this.listStart[id + 1]), (r) => this.strings.get(r));
      this.lists[id] = list;
    }
    return list;
  }
}

/** An item of a saved corpus: its fields are read from the columns when asked. */
class SavedItem implements Item {
  readonly #c: ItemColumns;
  readonly #i: number;

  constructor(
    readonly file: string,
    columns: ItemColumns,
    i: number,
  ) {
    this.#c = columns;
    this.#i = i;
  }

  get label(): string | null {
    return this.#c.strOrNull(this.#c.item.label[this.#i]!);
  }
  get kind(): ItemKind {
    return ITEM_KINDS[this.#c.item.kind[this.#i]!]!;
  }
  get path(): readonly string[] {
    return this.#c.list(this.#c.item.path[this.#i]!);
  }
  get heading(): string {
    return this.#c.strings.get(this.#c.item.heading[this.#i]!);
  }
  get text(): string {
    return this.#c.texts.get(this.#c.item.text[this.#i]!);
  }
  get responsible(): readonly string[] | null {
    const id = this.#c.item.responsible[this.#i]!;
    return id === NONE ? null : this.#c.list(id);
  }
  get order(): number {
    return this.#c.item.order[this.#i]!;
  }
  get lead(): string | null {
    return this.#c.strOrNull(this.#c.item.lead[this.#i]!);
  }
}

/** A document's facts, parsed from their saved line when first asked for (a start reads none). */
class SavedMeta implements DocumentMeta {
  /** Its line of the facts section (UTF-8 JSON, empty for none), decoded on first use. */
  readonly #line: Buffer;
  readonly #doc: number;
  #facts: DocumentFacts | undefined;

  constructor(
    readonly file: string,
    readonly title: string,
    readonly docNumber: string | null,
    readonly issuer: string | null,
    readonly date: string | null,
    readonly year: number | null,
    factLine: Buffer,
    doc: number,
  ) {
    this.#line = factLine;
    this.#doc = doc;
  }

  get facts(): DocumentFacts | undefined {
    if (this.#line.length === 0) return undefined;
    return (this.#facts ??= parseFacts(this.#line.toString("utf8"), this.#doc));
  }
}

/** Reads a saved corpus, yielding to the event loop between slices. */
async function readCorpus(s: Sections): Promise<Corpus> {
  const meta = s.meta as { documents?: unknown; items?: unknown; strings?: unknown; lists?: unknown; texts?: unknown };
  const counts = [meta?.documents, meta?.items, meta?.strings, meta?.lists, meta?.texts];
  if (!counts.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) throw new SectionFormatError("header counts are missing");
  const [D, N, S, L, T] = counts as number[];
  const slice = timeSlicer(4);

  const strings = new StoredStrings(s.source("strings.text"), s.get("strings.start", "u32", S! + 1), "all", "strings");
  const texts = new StoredStrings(s.source("texts.text"), s.get("texts.start", "u32", T! + 1), RECENT_TEXTS, "item texts");
  const listStart = s.get("lists.start", "u32", L! + 1);
  const columns = new ItemColumns(strings, texts, listStart, s.get("lists.refs", "u32", listStart[L!]), {
    label: s.get("item.label", "u32", N),
    kind: s.get("item.kind", "u8", N),
    heading: s.get("item.heading", "u32", N),
    text: s.get("item.text", "u32", N),
    order: s.get("item.order", "u32", N),
    path: s.get("item.path", "u32", N),
    responsible: s.get("item.responsible", "u32", N),
    lead: s.get("item.lead", "u32", N),
  });
  // Per document: file, title (never null), number, issuer, date.
  const docMeta = s.get("doc.meta", "u32", D! * 5);
  const badMeta = docMeta.findIndex((v, j) => (v === NONE ? j % 5 < 2 : v >= S!));
  if (badMeta >= 0) throw new SectionFormatError(`document ${Math.floor(badMeta / 5)} names a string that does not exist`);
  const docYear = s.get("doc.year", "i32", D);
  const itemStart = s.get("doc.itemStart", "u32", D! + 1);
  await columns.check(slice);
  // Each document's facts line, by byte offsets: decoding and splitting them all took a
  // slice of its own (a newline byte is never inside a UTF-8 character).
  const facts = s.bytesOf("doc.facts");
  const lineEnds: number[] = [];
  for (let at = facts.indexOf(10); at >= 0; at = facts.indexOf(10, at + 1)) lineEnds.push(at);
  lineEnds.push(facts.length);
  if (lineEnds.length !== Math.max(1, D!)) throw new SectionFormatError("document facts do not match the documents");
  const factLine = (k: number) => facts.subarray(k === 0 ? 0 : lineEnds[k - 1]! + 1, lineEnds[k]);

  const documents: ParsedDocument[] = [];
  for (let k = 0; k < D!; k++) {
    const file = strings.get(docMeta[k * 5]!);
    const m = new SavedMeta(
      file,
      strings.get(docMeta[k * 5 + 1]!),
      columns.strOrNull(docMeta[k * 5 + 2]!),
      columns.strOrNull(docMeta[k * 5 + 3]!),
      columns.strOrNull(docMeta[k * 5 + 4]!),
      docYear[k] === NO_YEAR ? null : docYear[k]!,
      factLine(k),
      k,
    );
    if (itemStart[k]! > itemStart[k + 1]! || itemStart[k + 1]! > N!) throw new SectionFormatError(`document ${k} items out of range`);
    const items: Item[] = [];
    for (let i = itemStart[k]!; i < itemStart[k + 1]!; i++) items.push(new SavedItem(file, columns, i));
    documents.push({ meta: m, items });
    if (slice.due()) await slice.pause();
  }
  const problemText = s.bytesOf("problems").toString("utf8");
  let problems: IngestProblem[];
  try {
    problems = problemText === "" ? [] : problemText.split("\n").map((l) => JSON.parse(l) as IngestProblem);
  } catch {
    throw new SectionFormatError("problems are not JSON Lines");
  }
  return { documents, problems, unitNames: await columns.responsibleNames(slice) };
}

function parseFacts(line: string, doc: number): DocumentFacts {
  try {
    return JSON.parse(line) as DocumentFacts;
  } catch {
    throw new SectionFormatError(`document ${doc}'s facts are not JSON`);
  }
}
