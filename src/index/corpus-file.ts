/**
 * The parsed corpus as the index saves it, so that a start reads it back instead of
 * parsing every circular again (10,000 circulars parse in about half a minute, load in
 * well under a second). Binary sections: every distinct string once in a UTF-16 blob,
 * items as columns of string numbers; decoding shares one string (and one heading path
 * array) between all items that have it. Decoding runs in time slices, so that
 * swapping in a rebuilt index never holds the event loop long.
 */
import type { Corpus, DocumentMeta, IngestProblem, Item, ItemKind, ParsedDocument } from "../corpus/types.ts";
import { timeSlicer } from "../util/time-slice.ts";
import { encodeSections, Sections, SectionFormatError } from "./binary-sections.ts";

const FILE_KIND = "policybot-corpus/1";
/** String number meaning null. */
const NONE = 0xffffffff;
const NO_YEAR = -0x80000000;
const ITEM_KINDS: readonly ItemKind[] = ["item", "appendix", "section", "subitem", "box", "row", "chapter", "article", "text"];

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
  const pathStart = new Uint32Array(items.length + 1);
  const respStart = new Uint32Array(items.length + 1);
  const respNull = new Uint8Array(items.length);
  const paths: number[] = [];
  const resp: number[] = [];
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
      pathStart[i] = paths.length;
      for (const p of item.path) paths.push(ref(p));
      respStart[i] = resp.length;
      respNull[i] = item.responsible === null ? 1 : 0;
      for (const r of item.responsible ?? []) resp.push(ref(r));
      i++;
    }
  });
  itemStart[docs.length] = i;
  pathStart[i] = paths.length;
  respStart[i] = resp.length;
  const strings = Buffer.concat(blob);
  const problems = Buffer.from(corpus.problems.map((p) => JSON.stringify(p)).join("\n"), "utf8");
  return encodeSections(
    FILE_KIND,
    { documents: docs.length, items: items.length, strings: ids.size },
    {
      "strings.text": new Uint8Array(strings.buffer, strings.byteOffset, strings.byteLength),
      "strings.start": Uint32Array.from(starts),
      "doc.meta": docMeta,
      "doc.year": docYear,
      "doc.itemStart": itemStart,
      "item.label": label,
      "item.kind": kind,
      "item.heading": heading,
      "item.text": text,
      "item.order": order,
      "item.pathStart": pathStart,
      "item.paths": Uint32Array.from(paths),
      "item.respStart": respStart,
      "item.respNull": respNull,
      "item.resp": Uint32Array.from(resp),
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
  const meta = s.meta as { documents?: unknown; items?: unknown; strings?: unknown };
  const [nDocs, nItems, nStrings] = [meta?.documents, meta?.items, meta?.strings];
  if (![nDocs, nItems, nStrings].every((n) => Number.isSafeInteger(n) && (n as number) >= 0)) throw new SectionFormatError("header counts are missing");
  const D = nDocs as number;
  const N = nItems as number;
  const slice = timeSlicer(4);

  const starts = s.get("strings.start", "u32", (nStrings as number) + 1);
  const blob = s.bytesOf("strings.text");
  if (starts[starts.length - 1]! * 2 !== blob.length) throw new SectionFormatError("string table does not match its text");
  const strings: string[] = new Array(starts.length - 1);
  for (let k = 0; k < strings.length; k++) {
    if (starts[k + 1]! < starts[k]!) throw new SectionFormatError("string table is out of order");
    strings[k] = blob.toString("utf16le", starts[k]! * 2, starts[k + 1]! * 2);
    if (slice.due()) await slice.pause();
  }
  const str = (id: number): string => {
    const v = strings[id];
    if (v === undefined) throw new SectionFormatError(`string ${id} does not exist`);
    return v;
  };
  const strOrNull = (id: number) => (id === NONE ? null : str(id));

  const docMeta = s.get("doc.meta", "u32", D * 5);
  const docYear = s.get("doc.year", "i32", D);
  const itemStart = s.get("doc.itemStart", "u32", D + 1);
  const label = s.get("item.label", "u32", N);
  const kind = s.get("item.kind", "u8", N);
  const heading = s.get("item.heading", "u32", N);
  const text = s.get("item.text", "u32", N);
  const order = s.get("item.order", "u32", N);
  const pathStart = s.get("item.pathStart", "u32", N + 1);
  const paths = s.get("item.paths", "u32", pathStart[N]);
  const respStart = s.get("item.respStart", "u32", N + 1);
  const respNull = s.get("item.respNull", "u8", N);
  const resp = s.get("item.resp", "u32", respStart[N]);
  const range = (start: Uint32Array, i: number, all: Uint32Array) => {
    if (start[i]! > start[i + 1]! || start[i + 1]! > all.length) throw new SectionFormatError(`item ${i} lists out of range`);
    return all.subarray(start[i]!, start[i + 1]!);
  };
  // Items of one section share their heading path: one array for all of them.
  const sharedPaths = new Map<string, readonly string[]>();

  const documents: ParsedDocument[] = [];
  for (let k = 0; k < D; k++) {
    const m: DocumentMeta = {
      file: str(docMeta[k * 5]!),
      title: str(docMeta[k * 5 + 1]!),
      docNumber: strOrNull(docMeta[k * 5 + 2]!),
      issuer: strOrNull(docMeta[k * 5 + 3]!),
      date: strOrNull(docMeta[k * 5 + 4]!),
      year: docYear[k] === NO_YEAR ? null : docYear[k]!,
    };
    if (itemStart[k]! > itemStart[k + 1]! || itemStart[k + 1]! > N) throw new SectionFormatError(`document ${k} items out of range`);
    const items: Item[] = [];
    for (let i = itemStart[k]!; i < itemStart[k + 1]!; i++) {
      const pathIds = range(pathStart, i, paths);
      const pathKey = pathIds.join(",");
      let path = sharedPaths.get(pathKey);
      if (!path) sharedPaths.set(pathKey, (path = Array.from(pathIds, str)));
      const itemKind = ITEM_KINDS[kind[i]!];
      if (!itemKind) throw new SectionFormatError(`item ${i} has no valid kind`);
      items.push({
        file: m.file,
        label: strOrNull(label[i]!),
        kind: itemKind,
        path,
        heading: str(heading[i]!),
        text: str(text[i]!),
        responsible: respNull[i] ? null : Array.from(range(respStart, i, resp), str),
        order: order[i]!,
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
