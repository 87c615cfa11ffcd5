/**
 * Explicit references to an item ("2023年要点第7条", "任务清单第33项", "技工规划三（九）",
 * "专栏5", "附件12", "日常工作第30项") are resolved without search, inside the documents
 * the question points at. A reference to an item that does not exist resolves to nothing,
 * with the range that does exist, so no other item is ever cited for it.
 */
import { labelKey } from "../../corpus/numbering.ts";
import type { Item, ItemKind, ParsedDocument } from "../../corpus/types.ts";
import { CHINESE_NUMERAL_CHARS, parseNumber } from "../../text/numerals.ts";
import { keptIn } from "../../util/memo.ts";

const CN = `[${CHINESE_NUMERAL_CHARS}]+`;

/** How a reference is numbered, which decides where its label can be found. */
export type ReferenceStyle = "path" | "section" | "box" | "appendix" | "numbered";

/** An item named in a question. */
export interface Reference {
  /** As written in the question. */
  readonly written: string;
  readonly style: ReferenceStyle;
  /** The label key (CONTRACT §2 comparison form) it asks for. */
  readonly key: string;
  /** The documents it was looked for in (the ones the question points at, else all). */
  readonly documents: readonly string[];
  /** The item, when exactly one exists; null when none does (or it is ambiguous). */
  readonly item: Item | null;
  /** True when some document in scope has an item with this label. */
  readonly exists: boolean;
}

interface Pattern {
  readonly style: ReferenceStyle;
  readonly pattern: RegExp;
  readonly key: (m: RegExpExecArray) => string | null;
}

const num = (s: string) => {
  const n = parseNumber(s);
  return Number.isFinite(n) && n > 0 ? String(n) : null;
};

// Longest forms first: a nested path, then a section, boxes, attachments, then 第N条/项.
const PATTERNS: readonly Pattern[] = [
  {
    style: "path",
    pattern: new RegExp(`(${CN})[、，]?\\s*[（(](${CN})[）)]\\s*(\\d{1,3})(?![\\d%％年月日万亿个所项条])\\s*[.．、]?`, "u"),
    key: (m) => labelKey(`${m[1]}${m[2]}${m[3]}`),
  },
  {
    style: "path",
    pattern: new RegExp(`(${CN})[、，]\\s*[（(](${CN})[）)]|(?<![${CHINESE_NUMERAL_CHARS}])(${CN})[（(](${CN})[）)]`, "u"),
    key: (m) => labelKey(`${m[1] ?? m[3]}${m[2] ?? m[4]}`),
  },
  { style: "box", pattern: /专栏\s*(\d{1,3}|[一二三四五六七八九十]+)/u, key: (m) => (num(m[1]!) ? `专栏${num(m[1]!)}` : null) },
  {
    style: "appendix",
    pattern: new RegExp(`附件\\s*(?:第\\s*)?(\\d{1,4}|${CN})\\s*[项条]?`, "u"),
    key: (m) => (num(m[1]!) ? `附件${num(m[1]!)}` : null),
  },
  {
    style: "section",
    pattern: new RegExp(`第\\s*[（(](${CN})[）)]\\s*[条项]?|(?<![${CHINESE_NUMERAL_CHARS}、])[（(](${CN})[）)]\\s*[条项]`, "u"),
    key: (m) => `（${m[1] ?? m[2]}）`,
  },
  { style: "numbered", pattern: new RegExp(`第\\s*(\\d{1,5}|${CN})\\s*[条项]`, "u"), key: (m) => num(m[1]!) },
];

/** The reference a question makes, before resolution: its pattern match, or null. */
function match(question: string): { style: ReferenceStyle; key: string; written: string } | null {
  for (const p of PATTERNS) {
    const m = p.pattern.exec(question);
    if (!m) continue;
    const key = p.key(m);
    if (key) return { style: p.style, key, written: m[0].trim() };
  }
  return null;
}

/** The words of a question that name an item (第20项, 三（二）2), or null. */
export function writtenReference(question: string): string | null {
  return match(question)?.written ?? null;
}

/** The question without the words that name an item (so they are not taken for its topic). */
export function stripReference(question: string): string {
  const m = match(question);
  return m ? question.replace(m.written, " ") : question;
}

/** Which item kinds a numbering style can name. */
const KINDS_OF: Readonly<Record<ReferenceStyle, readonly ItemKind[] | null>> = {
  path: null,
  section: null,
  box: ["box"],
  appendix: ["appendix"],
  numbered: ["item", "row", "article", "appendix"],
};

/** Whether a numbering style can name an item of this kind. */
const canName = (style: ReferenceStyle, kind: ItemKind) => KINDS_OF[style]?.includes(kind) ?? true;

/** A document's items by numbering style and key: one item, or several where a key repeats. */
type ReferenceTable = Readonly<Record<ReferenceStyle, Map<string, Item | Item[]>>>;

function fileUnder(map: Map<string, Item | Item[]>, key: string, item: Item): void {
  const there = map.get(key);
  if (there === undefined) map.set(key, item);
  else if (Array.isArray(there)) there.push(item);
  else map.set(key, [there, item]);
}

/**
 * Files an item under the key each numbering style finds it by. Written out per style,
 * with an array only where a key repeats: the table of every document is made at warm-up,
 * also when a rebuilt index opens beside a serving one, and a keys object per item with
 * its entries and a "style key" string each allocated 100 MB at 2,000 circulars.
 */
function fileItem(table: ReferenceTable, item: Item): void {
  if (item.label === null) return;
  const k = labelKey(item.label);
  fileUnder(table.path, k, item);
  // A section key keeps its brackets (（十四）): without them 四、（十四） would read 四十四.
  if (/[）)]\s*$/.test(item.label)) {
    const section = /（[^（）]*）$/.exec(item.label.replace(/\s/g, "").replace(/[(]/g, "（").replace(/[)]/g, "）"))?.[0];
    if (section) fileUnder(table.section, section, item);
  }
  if (canName("box", item.kind)) fileUnder(table.box, k, item);
  if (canName("appendix", item.kind)) fileUnder(table.appendix, k, item);
  // 第四条 of a regulation is labelled by its path (第二章第四条): its own number decides.
  if (canName("numbered", item.kind) && item.kind !== "appendix") {
    fileUnder(table.numbered, item.kind === "article" ? String(parseNumber(/第([^第条]+)条$/.exec(k)?.[1] ?? "")) : k, item);
  }
}

/** Per document, its items by style and key, worked out once: a question with no document in view looks in all of them. */
const referenceTables = new WeakMap<ParsedDocument, ReferenceTable>();

function referenceTable(doc: ParsedDocument): ReferenceTable {
  return keptIn(referenceTables, doc, () => {
    const table: ReferenceTable = { path: new Map(), section: new Map(), box: new Map(), appendix: new Map(), numbered: new Map() };
    for (const item of doc.items) fileItem(table, item);
    return table;
  });
}

/** Works out a document's reference table ahead of its first question. */
export function warmReferences(doc: ParsedDocument): void {
  referenceTable(doc);
}

/** Items of a document a reference can name: a section key (（十五）) matches the end of a path label. */
function itemsFor(doc: ParsedDocument, style: ReferenceStyle, key: string): readonly Item[] {
  const found = referenceTable(doc)[style].get(key);
  return found === undefined ? [] : Array.isArray(found) ? found : [found];
}

/**
 * Resolves a question's reference inside `scope` (the documents the question points at;
 * empty means every document). "日常工作第30项" names an attachment item when the scope's
 * attachment is called 日常工作: `appendixNames` gives each document's attachment titles.
 */
export function resolveReference(
  question: string,
  documents: readonly ParsedDocument[],
  scope: readonly string[],
  appendixNames: (doc: ParsedDocument) => readonly string[] = () => [],
): Reference | null {
  const found = match(question);
  if (!found) return null;
  const inScope = scope.length > 0 ? documents.filter((d) => scope.includes(d.meta.file)) : documents;
  let { style, key } = found;
  // "日常工作第30项": an attachment named by its title.
  if (style === "numbered" && inScope.some((d) => appendixNames(d).some((n) => question.includes(n)))) {
    style = "appendix";
    key = `附件${key}`;
  }
  // Two hits are as good as all: the item is then ambiguous, and it exists.
  const hits: Item[] = [];
  for (const d of inScope) {
    hits.push(...itemsFor(d, style, key));
    if (hits.length > 1) break;
  }
  return {
    written: found.written,
    style,
    key,
    documents: inScope.map((d) => d.meta.file),
    item: hits.length === 1 ? hits[0]! : null,
    exists: hits.length > 0,
  };
}

/** What does exist, in the numbering a reference used: "只有专栏1–专栏4", "共45项（1–45）". */
export function existingRange(doc: ParsedDocument, style: ReferenceStyle, written = ""): string | null {
  const kinds = KINDS_OF[style];
  const labels = doc.items.filter((i) => i.label !== null && (!kinds || kinds.includes(i.kind))).map((i) => i.label!);
  if (labels.length === 0) return null;
  if (style === "box") return `只有${labels[0]}–${labels[labels.length - 1]}`;
  if (style === "appendix") return `附件共${labels.length}项（${labels[0]}–${labels[labels.length - 1]}）`;
  if (style === "numbered") {
    const numbers = labels.filter((l) => /^\d+$/.test(l)).map(Number);
    if (numbers.length === 0) return null;
    const unit = doc.items.some((i) => i.kind === "row") ? "项" : "条";
    return `共${numbers.length}${unit}（第${Math.min(...numbers)}–${Math.max(...numbers)}${unit}）`;
  }
  // Sections and paths: the top-level parts and how far each runs.
  const tops = new Map<string, string[]>();
  for (const l of labels) {
    const top = /^([一二三四五六七八九十]+、)/.exec(l)?.[1];
    if (!top) continue;
    const sub = /（([一二三四五六七八九十]+)）/.exec(l)?.[0];
    const list = tops.get(top) ?? [];
    if (sub && !list.includes(sub)) list.push(sub);
    tops.set(top, list);
  }
  if (tops.size === 0) return null;
  // Within the part the reference names (三（九） → 三、), only that part's range.
  const named = written ? [...tops.keys()].find((top) => written.startsWith(top.replace("、", ""))) : undefined;
  const shown = named ? [[named, tops.get(named)!] as const] : [...tops];
  return (named ? "只有" : "") + shown.map(([top, subs]) => (subs.length > 0 ? `${top}${subs[0]}–${subs[subs.length - 1]}` : top)).join("；");
}
