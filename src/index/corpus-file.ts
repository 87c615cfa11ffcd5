/**
 * The parsed corpus as the index saves it, so that a start reads it back instead of
 * parsing every circular again (10,000 circulars parse in about half a minute). Binary
 * sections: every distinct string once in a UTF-16 blob, every distinct list (heading
 * path, responsible units) once, items as columns of string and list numbers; decoding
 * shares one string, and one array, between all items that have it. A document's facts
 * (issuer, addressees, basis… with their sources) are one JSON line each: a few hundred
 * bytes per circular, read as they were written. Decoding runs in
 * time slices, so that swapping in a rebuilt index never holds the event loop long.
 */
import type { Corpus, DocumentFacts, DocumentMeta, IngestProblem, Item, ItemKind, ParsedDocument } from "../corpus/types.ts";
import { timeSlicer } from "../util/time-slice.ts";
import { encodeSections, Sections, SectionFormatError } from "./binary-sections.ts";

const FILE_KIND = "policybot-corpus/3";

/** Code units of the string table decoded at a time (about 4 ms of work). */
const STRING_CHUNK = 1 << 19;
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

/** Encodes a corpus; decode with {@link decodeCorpus}. */
export function encodeCorpus(corpus: Corpus): Buffer[] {
  const ids = new Map<string, number>();
  const blob: Buffer[] = [];
  const starts: number[] = [0];
  let units = 0;
  const ref = (s: string | null): number => {
    if (s === null) return NONE;
    let id = ids.get(s);
    if (id === undefined) {
      id = ids.size;
      ids.set(s, id);
      blob.push(Buffer.from(s, "utf16le"));
      units += s.length;
      starts.push(units);
    }
    return id;
  };
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
      text[i] = ref(item.text);
      order[i] = item.order;
      path[i] = lists.add(item.path.map(ref));
      responsible[i] = lists.add(item.responsible && item.responsible.map(ref));
      lead[i] = ref(item.lead ?? null);
      i++;
    }
  });
  itemStart[docs.length] = i;
  const strings = Buffer.concat(blob);
  const problems = Buffer.from(corpus.problems.map((p) => JSON.stringify(p)).join("\n"), "utf8");
  const facts = Buffer.from(docs.map((d) => (d.meta.facts ? JSON.stringify(d.meta.facts) : "")).join("\n"), "utf8");
  return encodeSections(
    FILE_KIND,
    { documents: docs.length, items: items.length, strings: ids.size, lists: lists.start.length - 1 },
    {
      "strings.text": new Uint8Array(strings.buffer, strings.byteOffset, strings.byteLength),
      "strings.start": Uint32Array.from(starts),
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
 * Decodes a corpus saved by {@link encodeCorpus}, yielding to the event loop between slices.
 * @throws {SectionFormatError} when the bytes are not a saved corpus.
 */
export async function decodeCorpus(bytes: Buffer): Promise<Corpus> {
  const s = Sections.decode(bytes, FILE_KIND);
  const meta = s.meta as { documents?: unknown; items?: unknown; strings?: unknown; lists?: unknown };
  const counts = [meta?.documents, meta?.items, meta?.strings, meta?.lists];
  if (!counts.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) throw new SectionFormatError("header counts are missing");
  const [D, N, S, L] = counts as number[];
  const slice = timeSlicer(4);

  const starts = s.get("strings.start", "u32", S! + 1);
  const blob = s.bytesOf("strings.text");
  if (starts[starts.length - 1]! * 2 !== blob.length) throw new SectionFormatError("string table does not match its text");
  // The table is decoded a chunk at a time, and each string sliced out of its chunk: V8
  // keeps a long slice as a view of its parent string, so the text is decoded once and
  // held once; one decode of the whole table held the thread for 100 ms at 2,000 circulars.
  const strings: string[] = new Array(S);
  let chunk = "";
  let chunkStart = 0;
  for (let k = 0; k < S!; k++) {
    const [from, to] = [starts[k]!, starts[k + 1]!];
    if (to < from) throw new SectionFormatError("string table is out of order");
    if (to > chunkStart + chunk.length) {
      chunkStart = from;
      chunk = blob.toString("utf16le", from * 2, Math.max(to, Math.min(from + STRING_CHUNK, starts[S!]!)) * 2);
    }
    strings[k] = chunk.slice(from - chunkStart, to - chunkStart);
    if (slice.due()) await slice.pause();
  }
  const str = (id: number): string => {
    const v = strings[id];
    if (v === undefined) throw new SectionFormatError(`string ${id} does not exist`);
    return v;
  };
  const strOrNull = (id: number) => (id === NONE ? null : str(id));

  const listStart = s.get("lists.start", "u32", L! + 1);
  const listRefs = s.get("lists.refs", "u32", listStart[L!]);
  const lists: (readonly string[])[] = new Array(L);
  for (let k = 0; k < L!; k++) {
    if (listStart[k + 1]! < listStart[k]!) throw new SectionFormatError("list table is out of order");
    lists[k] = Array.from(listRefs.subarray(listStart[k], listStart[k + 1]), str);
    if (slice.due()) await slice.pause();
  }
  const list = (id: number): readonly string[] => {
    const v = lists[id];
    if (v === undefined) throw new SectionFormatError(`list ${id} does not exist`);
    return v;
  };

  const docMeta = s.get("doc.meta", "u32", D! * 5);
  const docYear = s.get("doc.year", "i32", D);
  const itemStart = s.get("doc.itemStart", "u32", D! + 1);
  const label = s.get("item.label", "u32", N);
  const kind = s.get("item.kind", "u8", N);
  const heading = s.get("item.heading", "u32", N);
  const text = s.get("item.text", "u32", N);
  const order = s.get("item.order", "u32", N);
  const path = s.get("item.path", "u32", N);
  const responsible = s.get("item.responsible", "u32", N);
  const lead = s.get("item.lead", "u32", N);
  const factLines = s.bytesOf("doc.facts").toString("utf8").split("\n");
  if (factLines.length !== Math.max(1, D!)) throw new SectionFormatError("document facts do not match the documents");

  const documents: ParsedDocument[] = [];
  for (let k = 0; k < D!; k++) {
    const m: DocumentMeta = {
      file: str(docMeta[k * 5]!),
      title: str(docMeta[k * 5 + 1]!),
      docNumber: strOrNull(docMeta[k * 5 + 2]!),
      issuer: strOrNull(docMeta[k * 5 + 3]!),
      date: strOrNull(docMeta[k * 5 + 4]!),
      year: docYear[k] === NO_YEAR ? null : docYear[k]!,
      ...(factLines[k] ? { facts: parseFacts(factLines[k]!, k) } : {}),
    };
    if (itemStart[k]! > itemStart[k + 1]! || itemStart[k + 1]! > N!) throw new SectionFormatError(`document ${k} items out of range`);
    const items: Item[] = [];
    for (let i = itemStart[k]!; i < itemStart[k + 1]!; i++) {
      const itemKind = ITEM_KINDS[kind[i]!];
      if (!itemKind) throw new SectionFormatError(`item ${i} has no valid kind`);
      items.push({
        file: m.file,
        label: strOrNull(label[i]!),
        kind: itemKind,
        path: list(path[i]!),
        heading: str(heading[i]!),
        text: str(text[i]!),
        responsible: responsible[i] === NONE ? null : list(responsible[i]!),
        order: order[i]!,
        lead: strOrNull(lead[i]!),
      });
    }
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
  return { documents, problems };
}

function parseFacts(line: string, doc: number): DocumentFacts {
  try {
    return JSON.parse(line) as DocumentFacts;
  } catch {
    throw new SectionFormatError(`document ${doc}'s facts are not JSON`);
  }
}
