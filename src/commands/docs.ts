/**
 * docs: the documents the bot answers from, ten to a page, or those matching a search
 * (a year, a word of the title or issuer, an id). One match is shown as a card with all
 * its facts. Ids are shown whole or by a prefix no other file shares.
 */
import { directoryOf, labelSeries, type DocumentDirectory, type Documents } from "../corpus/lookup.ts";
import type { DocumentMeta, ParsedDocument } from "../corpus/types.ts";
import { WORDING } from "../wording/wording.ts";
import { failedReply, pageRanges, replyOf, type Line, type Page, type Reply } from "./reply.ts";

/** Documents listed on one page. */
export const DOCS_PER_PAGE = 10;

/** A fact shown for a document: its label, and its value as one line (null: the document does not state it). */
interface ShownFact {
  readonly label: string;
  readonly value: (m: DocumentMeta) => string | null;
}

const joined = (values: readonly string[], separator: string) => (values.length > 0 ? values.join(separator) : null);

/** The facts of a document's line in a list: who issued it, under which number, when. */
const LIST_FACTS: readonly ShownFact[] = [
  { label: WORDING.facts.docNumber, value: (m) => m.docNumber },
  { label: WORDING.facts.issuer, value: (m) => m.issuer },
  { label: WORDING.facts.date, value: (m) => m.date },
];

/** Everything its card shows, in order. A fact the corpus learns to read is one more row here. */
const CARD_FACTS: readonly ShownFact[] = [
  ...LIST_FACTS,
  { label: WORDING.facts.addressees, value: (m) => joined(m.facts?.addressees?.value ?? [], "，") },
  { label: WORDING.facts.publicity, value: (m) => (m.facts?.publicity ? WORDING.publicity[m.facts.publicity.value] : null) },
  {
    label: WORDING.facts.basis,
    value: (m) => joined((m.facts?.basis ?? []).map(({ value: b }) => WORDING.documentName(b.title, b.docNumber)), "；"),
  },
  {
    label: WORDING.facts.effective,
    value: (m) => {
      const e = m.facts?.effective?.value;
      return !e ? null : e.onIssue ? WORDING.effectiveOnIssue : e.from ? WORDING.effectiveFrom(e.from) : null;
    },
  },
  {
    label: WORDING.facts.validity,
    value: (m) => {
      const v = m.facts?.validity?.value;
      return !v ? null : (v.until ? WORDING.validUntil(v.until) : v.term);
    },
  },
  {
    label: WORDING.facts.contact,
    value: (m) => {
      const contact = [m.facts?.contactOffice, m.facts?.contactPerson, m.facts?.contactPhone];
      return joined(contact.flatMap((f) => (f ? [f.value] : [])), "，");
    },
  },
  {
    label: WORDING.facts.attachments,
    value: (m) => joined((m.facts?.attachments ?? []).map(({ value: a }) => WORDING.attachment(a.number, a.title)), "；"),
  },
];

/** 共45项（1–45）: how many numbered items a document has, and their range when it is one series. */
export function itemSummary(doc: ParsedDocument): string {
  const series = labelSeries(doc);
  const count = series.reduce((n, s) => n + s.labels.length, 0);
  const unit = series.length > 0 && series.every((s) => s.unit === "项") ? "项" : "条";
  const top = series.filter((s) => s.parent === "");
  const ranges = top.length === series.length ? top.map((s) => WORDING.itemRange(s.labels[0]!, s.labels.at(-1)!)) : [];
  return WORDING.itemCount(count, unit) + (ranges.length > 0 ? `（${ranges.join("、")}）` : "");
}

/** Two lines for a document in a list: its id and title, then its facts and size. */
export function documentEntry(dir: DocumentDirectory, doc: ParsedDocument): Line[] {
  const facts = LIST_FACTS.map((f) => f.value(doc.meta)).filter((v): v is string => Boolean(v));
  return [
    [{ code: dir.shortId(doc.meta.file) }, ` ${WORDING.documentName(doc.meta.title, null)}`],
    [`　${[...facts, itemSummary(doc)].join("，")}`],
  ];
}

/** Everything known about one document. */
function documentCard(dir: DocumentDirectory, doc: ParsedDocument): Reply {
  const id = dir.shortId(doc.meta.file);
  const lines: Line[] = [[{ bold: WORDING.documentName(doc.meta.title, null) }], [`${WORDING.documentId}：`, { code: id }]];
  for (const f of CARD_FACTS) {
    const v = f.value(doc.meta);
    if (v) lines.push([`${f.label}：${v}`]);
  }
  lines.push([itemSummary(doc)]);
  const first = doc.items.find((i) => i.label !== null)?.label;
  const hint: Line[] = first ? [[{ code: `/item ${id} ${first}` }]] : [];
  return replyOf({ blocks: [{ kind: "text", lines }, ...(hint.length ? [{ kind: "text" as const, lines: hint }] : [])], buttons: [] });
}

/** Pages of document entries under a heading; the hint goes under the first page. */
export function documentPages(dir: DocumentDirectory, docs: readonly ParsedDocument[], heading: string, hint?: string): Reply {
  const ranges = pageRanges(docs.length, DOCS_PER_PAGE);
  return {
    pageCount: ranges.length,
    page(k): Page {
      const { from, to } = ranges[k]!;
      const head: Line = k === 0 ? [{ bold: heading }] : [WORDING.docsContinued(from + 1, to, docs.length)];
      const entries = docs.slice(from, to).flatMap((d) => documentEntry(dir, d));
      const blocks = [{ kind: "text" as const, lines: [head, ...entries] }];
      if (k === 0 && hint) blocks.push({ kind: "text", lines: [[hint]] });
      const more = k < ranges.length - 1 ? { kind: "count" as const, remaining: docs.length - to, unit: WORDING.docsUnit } : undefined;
      return { blocks, buttons: [], ...(more ? { more } : {}) };
    },
  };
}

/** The reply to `docs` with an optional search (words separated by spaces). */
export function docsReply(corpus: Documents, query = ""): Reply {
  const dir = directoryOf(corpus);
  if (dir.documents.length === 0) return failedReply(WORDING.docsEmpty);
  const words = query.trim().split(/\s+/).filter(Boolean);
  if (words.length === 0) return documentPages(dir, dir.documents, WORDING.docsHeading(dir.documents.length), WORDING.docsHint);
  const found = dir.search(words);
  if (found.length === 0) return failedReply(WORDING.docsNone(words.join(" ")));
  if (found.length === 1) return documentCard(dir, found[0]!);
  return documentPages(dir, found, WORDING.docsFound(words.join(" "), found.length));
}
