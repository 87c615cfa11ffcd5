/**
 * item: one item's full text with its citation, paged when it is long (one page per
 * "更多"), or a short message: which documents a reference could mean, or the range of
 * labels the document really has.
 */
import { citationLine } from "../answer/render-answer.ts";
import { directoryOf, findItem, type DocumentMatch, type Documents, type LabelSeries } from "../corpus/lookup.ts";
import type { DocumentMeta, Item } from "../corpus/types.ts";
import { WORDING } from "../wording/wording.ts";
import { documentPages } from "./docs.ts";
import { failedReply, type Line, type Page, type Reply } from "./reply.ts";

/** Characters of item text on one page: one Telegram message with room for the heading. */
export const ITEM_PAGE_CHARS = 3000;

/** Splits "004 33" or "技工教育 三、（二）2." into a document and a label, trying one, then more, words for the document. */
function parseArgs(args: string, corpus: Documents): { spec: string; match: DocumentMatch; label: string } {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const dir = directoryOf(corpus);
  let first: { spec: string; match: DocumentMatch; label: string } | undefined;
  for (let k = 1; k < words.length; k++) {
    const spec = words.slice(0, k).join("");
    const attempt = { spec, match: dir.resolve(spec), label: words.slice(k).join("") };
    first ??= attempt;
    if (attempt.match.kind === "found") return attempt;
  }
  return first ?? { spec: words[0] ?? "", match: { kind: "none" }, label: "" };
}

/**
 * The item's text and its units line. A row's units are its last line, as the document
 * wrote them (with 等); an item that names its 责任单位 inline keeps them there. Either
 * way they are shown once.
 */
export function splitUnits(item: Item): { body: string; units: string | null } {
  const text = item.text.trim();
  if (!item.responsible || item.responsible.length === 0 || /责任(单位|部门)/.test(text)) return { body: text, units: null };
  const lines = text.split("\n");
  const last = lines[lines.length - 1]!;
  if (lines.length > 1 && item.responsible.every((u) => last.includes(u))) return { body: lines.slice(0, -1).join("\n"), units: last };
  return { body: text, units: item.responsible.join("、") };
}

/** Cuts text into pieces of at most `limit` characters, at line ends, else after a sentence, else anywhere; at least one. */
export function cutText(text: string, limit: number): string[] {
  const pieces: string[] = [];
  let current = "";
  const push = (piece: string, sep: string) => {
    if (current && current.length + sep.length + piece.length > limit) {
      pieces.push(current);
      current = "";
    }
    current = current ? current + sep + piece : piece;
  };
  for (const line of text.split("\n")) {
    if (line.length <= limit) {
      push(line, "\n");
      continue;
    }
    const slices = (s: string) => Array.from({ length: Math.ceil(s.length / limit) }, (_, k) => s.slice(k * limit, (k + 1) * limit));
    const chunks = line.split(/(?<=[。；！？])/).flatMap(slices);
    chunks.forEach((chunk, k) => push(chunk, k === 0 ? "\n" : ""));
  }
  // An empty text is still one (empty) piece, so an item always has a page.
  if (current || pieces.length === 0) pieces.push(current);
  return pieces;
}

/** The item's pages: heading, path and text; the units line closes the last page. */
export function itemPages(item: Item, meta: DocumentMeta): Reply {
  const cite = citationLine({ title: meta.title, docNumber: meta.docNumber, label: item.label, kind: item.kind });
  const { body, units } = splitUnits(item);
  const parts = cutText(body, ITEM_PAGE_CHARS);
  return {
    pageCount: parts.length,
    page(k): Page {
      const head: Line[] = [[{ bold: cite }, ...(k > 0 ? [WORDING.itemContinued(k + 1, parts.length)] : [])]];
      if (k === 0 && item.path.length > 0) head.push([{ italic: item.path.join(" › ") }]);
      const blocks: Page["blocks"][number][] = [
        { kind: "text", lines: head },
        { kind: "text", lines: parts[k]!.split("\n").map((l) => [l]) },
      ];
      const last = k === parts.length - 1;
      if (last && units) blocks.push({ kind: "text", lines: [[{ bold: WORDING.responsibleUnits }, `：${units}`]] });
      return { blocks, buttons: [], ...(last ? {} : { more: { kind: "part" as const, next: k + 2, total: parts.length } }) };
    },
  };
}

/** 共45项，请输入1–45: the series a missing label belongs to. */
function rangeHint(series: readonly LabelSeries[]): string {
  return series
    .map((s) => {
      const scope = s.parent ? WORDING.underSection(s.parent) : "";
      const range = s.labels.length === 1 ? s.labels[0]! : WORDING.itemRange(s.labels[0]!, s.labels.at(-1)!);
      return WORDING.itemRangeHint(scope, s.labels.length, s.unit, range);
    })
    .join(WORDING.itemRangeJoin);
}

/** The reply to `item FILE LABEL`; `args` is what follows the command. */
export function itemReply(corpus: Documents, args: string): Reply {
  const { spec, match, label } = parseArgs(args, corpus);
  if (!spec || !label) return failedReply(WORDING.itemUsage);
  if (match.kind === "none") return failedReply(WORDING.unknownDocument(spec));
  if (match.kind === "ambiguous") {
    const heading = WORDING.ambiguousDocument(spec, match.candidates.length);
    return { ...documentPages(directoryOf(corpus), match.candidates, heading), failed: true };
  }
  const found = findItem(match.document, label);
  if (found.kind === "found") return itemPages(found.item, found.document.meta);
  const title = found.document.meta.title;
  if (found.series.length === 0) return failedReply(WORDING.noNumberedItems(title));
  const hint = rangeHint(found.series);
  return failedReply(`${WORDING.noSuchItem(title, label)}${hint}${/[.．]$/.test(hint) ? "" : "。"}`);
}

/** The pages of one cited item (a 原文 button naming its document by id), or undefined when the corpus no longer has it. */
export function sourceReply(corpus: Documents, documentRef: string, label: string): Reply | undefined {
  const doc = directoryOf(corpus).resolve(documentRef);
  const found = doc.kind === "found" ? findItem(doc.document, label) : undefined;
  return found?.kind === "found" ? itemPages(found.item, found.document.meta) : undefined;
}
