/**
 * The one place that finds a document by what a person types for it (its file name, its
 * short id, the number it starts with, part of its title, a year, an issuer) and an item
 * by its label in any of the spellings CONTRACT §2 treats as equal. Results are typed;
 * the wording of what to tell the person lives with the front ends' commands.
 */
import { createHash } from "node:crypto";
import { keptIn } from "../util/memo.ts";
import { labelKey, parseChineseNumber } from "./numbering.ts";
import type { Corpus, Item, ParsedDocument } from "./types.ts";

export type DocumentMatch =
  | { readonly kind: "found"; readonly document: ParsedDocument }
  | { readonly kind: "ambiguous"; readonly candidates: readonly ParsedDocument[] }
  | { readonly kind: "none" };

/** Labels of one numbering level under one parent, in document order: what a missing label is told to pick from. */
export interface LabelSeries {
  /** The enclosing label (三、（二）), "" at the top. */
  readonly parent: string;
  readonly labels: readonly string[];
  /** Table rows and attachment entries are counted as 项, the rest as 条. */
  readonly unit: "项" | "条";
}

export type ItemMatch =
  | { readonly kind: "found"; readonly item: Item; readonly document: ParsedDocument }
  | { readonly kind: "missing"; readonly document: ParsedDocument; readonly series: readonly LabelSeries[] };

const CN_DIGITS = "一二三四五六七八九十百千零〇两";
// One numbering level of a canonical label: 附件12, 专栏1, 第三条, 三、, （二）, 2. or 33.
const LABEL_PART = new RegExp(`附件\\d+|专栏\\d+|第[${CN_DIGITS}\\d]+[章节条]|[${CN_DIGITS}]+、|（[${CN_DIGITS}]+）|\\d+\\.?`, "g");

/** A level's kind, so that 附件3 and 3 under the same parent are different series. */
function partKind(part: string): string {
  if (part.startsWith("附件")) return "appendix";
  if (part.startsWith("专栏")) return "box";
  if (part.startsWith("第")) return part.slice(-1);
  if (part.endsWith("、")) return "cn";
  if (part.startsWith("（")) return "parenCn";
  return "arabic";
}

/** Whether the rest of a typed label (punctuation already removed) can be one more level of this kind. */
function fitsKind(rest: string, kind: string): boolean {
  const cn = `[${CN_DIGITS}]+`;
  const patterns: Record<string, RegExp> = {
    appendix: /^附件\d+$/,
    box: /^专栏\d+$/,
    cn: new RegExp(`^${cn}$`),
    parenCn: new RegExp(`^${cn}$`),
    arabic: /^\d+$/,
  };
  return (patterns[kind] ?? new RegExp(`^第[${CN_DIGITS}\\d]+${kind}$`)).test(rest);
}

const normTitle = (s: string) => s.replace(/[\s《》“”"'‘’]/g, "").toLowerCase();
const stemOf = (file: string) => file.replace(/\.txt$/i, "");
const numericPrefix = (file: string) => /^(\d+)(?:_|$)/.exec(stemOf(file))?.[1];

/** A stable reference that fits in a button: # and 8 characters of the file name's hash. */
export function fileHash(file: string): string {
  return "#" + createHash("sha256").update(file).digest("base64url").slice(0, 8);
}

/**
 * The documents of one corpus with everything needed to name and find them. Built once
 * per corpus ({@link directoryOf}), so that short ids and lookups cost a map access.
 */
export class DocumentDirectory {
  private readonly byFile = new Map<string, ParsedDocument>();
  private readonly ids = new Map<string, string>();
  private readonly byId = new Map<string, ParsedDocument>();
  private readonly byHash = new Map<string, ParsedDocument>();

  constructor(readonly documents: readonly ParsedDocument[]) {
    const prefixCount = new Map<string, number>();
    const prefixOf = (file: string) => stemOf(file).split("_")[0]!;
    for (const d of documents) prefixCount.set(prefixOf(d.meta.file), (prefixCount.get(prefixOf(d.meta.file)) ?? 0) + 1);
    for (const d of documents) {
      const prefix = prefixOf(d.meta.file);
      // The part before "_" when no other file shares it; otherwise the whole name.
      const id = prefixCount.get(prefix) === 1 ? prefix : stemOf(d.meta.file);
      this.byFile.set(d.meta.file, d);
      this.ids.set(d.meta.file, id);
      this.byId.set(id.toLowerCase(), d);
      this.byHash.set(fileHash(d.meta.file), d);
    }
  }

  /** The document with this file name. */
  get(file: string): ParsedDocument | undefined {
    return this.byFile.get(file);
  }

  /** The shortest name that is unambiguous in this corpus: 004, or the whole file name without .txt. */
  shortId(file: string): string {
    return this.ids.get(file) ?? stemOf(file);
  }

  /** Resolves 004, 4, 004_14cb77bf2456b070(.txt), #hash or 任务清单 to one document, several, or none. */
  resolve(spec: string): DocumentMatch {
    const s = spec.trim();
    if (!s) return { kind: "none" };
    const exact = this.byFile.get(s) ?? this.byFile.get(`${s}.txt`) ?? this.byId.get(s.toLowerCase()) ?? this.byHash.get(s);
    if (exact) return { kind: "found", document: exact };
    const matches = (found: readonly ParsedDocument[]): DocumentMatch | undefined =>
      found.length === 1 ? { kind: "found", document: found[0]! } : found.length > 1 ? { kind: "ambiguous", candidates: found } : undefined;

    if (/^\d+$/.test(s)) {
      const byNumber = this.documents.filter((d) => Number(numericPrefix(d.meta.file) ?? NaN) === Number(s));
      const hit = matches(byNumber);
      if (hit) return hit;
    }
    const byName = matches(this.documents.filter((d) => d.meta.file.toLowerCase().startsWith(s.toLowerCase())));
    if (byName) return byName;
    const want = normTitle(s);
    if (want.length === 0) return { kind: "none" };
    const same = this.documents.filter((d) => normTitle(d.meta.title) === want);
    if (same.length === 1) return { kind: "found", document: same[0]! };
    return matches(this.documents.filter((d) => normTitle(d.meta.title).includes(want))) ?? { kind: "none" };
  }

  /**
   * Documents matching every word: a year (2023 or 2023年) matches the document's year, an
   * id its short id, and any word a piece of the title, issuer or 文号.
   */
  search(words: readonly string[]): ParsedDocument[] {
    const tests = words.map((w) => w.trim()).filter(Boolean).map((word) => {
      const year = /^(\d{4})年?$/.exec(word)?.[1];
      const w = normTitle(word);
      return (d: ParsedDocument) =>
        (year !== undefined && (d.meta.year === Number(year) || (d.meta.date ?? "").startsWith(year))) ||
        this.shortId(d.meta.file).toLowerCase() === w ||
        [d.meta.title, d.meta.issuer, d.meta.docNumber].some((field) => field !== null && normTitle(field).includes(w));
    });
    return this.documents.filter((d) => tests.every((t) => t(d)));
  }
}

const directories = new WeakMap<readonly ParsedDocument[], DocumentDirectory>();

/** What lookups need of a corpus: its documents. */
export type Documents = Pick<Corpus, "documents">;

/** The directory of a corpus, built on first use and kept as long as the corpus is. */
export function directoryOf(corpus: Documents): DocumentDirectory {
  return keptIn(directories, corpus.documents, (documents) => new DocumentDirectory(documents));
}

/** The canonical label's levels: 三、（二）2. → 三、 （二） 2. */
function labelParts(label: string): string[] {
  return label.match(LABEL_PART) ?? [label];
}

/** Every numbering series of a document: its labels grouped by parent and kind, in document order. */
export function labelSeries(document: ParsedDocument): LabelSeries[] {
  const series = new Map<string, { parent: string; labels: string[]; unit: "项" | "条" }>();
  for (const item of document.items) {
    if (item.label === null) continue;
    const parts = labelParts(item.label);
    const last = parts[parts.length - 1]!;
    const parent = parts.slice(0, -1).join("");
    const key = `${labelKey(parent)}|${partKind(last)}`;
    let s = series.get(key);
    if (!s) {
      s = { parent, labels: [], unit: item.kind === "row" || item.kind === "appendix" ? "项" : "条" };
      series.set(key, s);
    }
    s.labels.push(item.label);
  }
  return [...series.values()];
}

/** The keys a typed label may mean: as typed, and 第33项 / 第三十三条 / 33项 read as 33. */
function wantedKeys(label: string): string[] {
  const key = labelKey(label.trim());
  const numbered = new RegExp(`^第(\\d+|[${CN_DIGITS}]+)[条项]?$|^(\\d+|[${CN_DIGITS}]+)[条项]$`).exec(key);
  const written = numbered?.[1] ?? numbered?.[2];
  if (!written) return [key];
  const n = /^\d+$/.test(written) ? Number(written) : parseChineseNumber(written);
  return Number.isFinite(n) && n > 0 ? [key, String(n)] : [key];
}

/**
 * Finds the item with `label` in `document`. On a miss, returns the series the label
 * would belong to (the deepest existing parent, the same kind of numbering); when none
 * fits, the top-level series if every label is top-level, else all labels as one range,
 * so the reply can state the document's real range.
 */
export function findItem(document: ParsedDocument, label: string): ItemMatch {
  const keys = wantedKeys(label);
  for (const key of keys) {
    const item = document.items.find((i) => i.label !== null && labelKey(i.label) === key);
    if (item) return { kind: "found", item, document };
  }
  const all = labelSeries(document);
  const fitting = all
    .filter((s) => {
      const parent = labelKey(s.parent);
      const kind = partKind(labelParts(s.labels[0]!).at(-1)!);
      return keys.some((key) => key.startsWith(parent) && fitsKind(key.slice(parent.length), kind));
    })
    .sort((a, b) => labelKey(b.parent).length - labelKey(a.parent).length);
  if (fitting.length > 0) return { kind: "missing", document, series: [fitting[0]!] };
  if (all.every((s) => s.parent === "")) return { kind: "missing", document, series: all };
  const labels = all.flatMap((s) => s.labels);
  const order = new Map(document.items.map((i) => [i.label, i.order]));
  labels.sort((a, b) => order.get(a)! - order.get(b)!);
  return { kind: "missing", document, series: [{ parent: "", labels, unit: all.every((s) => s.unit === "项") ? "项" : "条" }] };
}
