/**
 * Telegram-HTML rendering of answers and items, laid out for a phone screen: the short
 * answer first in bold, the proving sentences as quotes, then the sources. Every piece
 * of document or user text is escaped; only the markup written here is raw.
 */
import type { Answer, Citation } from "../../answer/types.ts";
import type { DocumentMeta, Item } from "../../corpus/types.ts";
import { citationLine } from "../../answer/render-answer.ts";
import { escapeHtml } from "./escape-html.ts";

/** Fixed wording shared by every front end. */
export const ANSWER_WORDING = {
  notFound: "文件中没有找到相关规定",
  related: "可能相关",
  sources: "来源",
  evidence: "原文摘录",
} as const;

/** Options with defaults in {@link ANSWER_HTML_DEFAULTS}. */
export interface AnswerHtmlOptions {
  /** Longest quote shown for one evidence sentence; longer ones are cut with …. */
  readonly maxQuoteChars?: number;
  /** At most this many evidence quotes. */
  readonly maxQuotes?: number;
}

export const ANSWER_HTML_DEFAULTS: Required<AnswerHtmlOptions> = {
  maxQuoteChars: 600,
  maxQuotes: 40,
};

/** What identifies a cited place: the document and the item label (with its kind, for wording). */
export type SourceRef = Pick<Citation, "title" | "docNumber" | "item" | "kind">;

/** 《title》（docNumber）label, worded as in every front end (第33项, 三、（二）2.), escaped. */
export function sourceLineHtml(ref: SourceRef): string {
  return escapeHtml(citationLine(ref));
}

function clip(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join("") : chars.slice(0, max).join("") + "…";
}

/** First line of an item's text, for lists and inline-result descriptions. */
export function firstLine(text: string, max = 80): string {
  const line = text.split("\n").find((l) => l.trim() !== "") ?? "";
  return clip(line, max);
}

/** Renders a whole answer; the result may exceed one message and is split by the caller. */
export function renderAnswerHtml(answer: Answer, options: AnswerHtmlOptions = {}): string {
  const o = { ...ANSWER_HTML_DEFAULTS, ...options };
  if (answer.refused) return renderRefusal(answer);

  const blocks: string[] = [];
  const lead = answer.lead.trim();
  if (lead) blocks.push(`<b>${escapeHtml(lead)}</b>`);
  // A quote that only repeats the lead adds length, not proof, on a small screen.
  const quotes = answer.evidence.filter((ev) => !(answer.evidence.length === 1 && ev.quote.trim() === lead));
  for (const ev of quotes.slice(0, o.maxQuotes)) {
    const cited = answer.citations[ev.citation];
    const tag = cited && answer.citations.length > 1 ? `［${ev.citation + 1}］` : "";
    blocks.push(`<blockquote>${escapeHtml(clip(ev.quote, o.maxQuoteChars))}${tag}</blockquote>`);
  }
  if (answer.citations.length > 0) {
    const lines = answer.citations.map((c, k) =>
      answer.citations.length > 1 ? `${k + 1}. ${sourceLineHtml(c)}` : sourceLineHtml(c),
    );
    blocks.push(`<b>${ANSWER_WORDING.sources}</b>\n${lines.join("\n")}`);
  }
  return blocks.join("\n\n");
}

function renderRefusal(answer: Answer): string {
  const lead = answer.lead.trim();
  // Nothing was searched (an empty or emoji-only message): the prompt alone, no "not found".
  if (answer.retrieved.length === 0 && answer.related.length === 0 && lead && !lead.includes(ANSWER_WORDING.notFound)) return escapeHtml(lead);
  const blocks = [`<b>${ANSWER_WORDING.notFound}。</b>`];
  if (lead && !lead.includes(ANSWER_WORDING.notFound)) blocks.push(escapeHtml(lead));
  if (answer.related.length > 0) {
    const lines = answer.related.map((c) => `• ${sourceLineHtml(c)}\n  ${escapeHtml(firstLine(c.text, 60))}`);
    blocks.push(`${ANSWER_WORDING.related}：\n${lines.join("\n")}`);
  }
  return blocks.join("\n\n");
}

/** The full text of one item with its citation underneath. */
export function renderItemHtml(item: Item, meta: DocumentMeta): string {
  const ref: SourceRef = { title: meta.title, docNumber: meta.docNumber, item: item.label, kind: item.kind };
  const parts = [`<b>${sourceLineHtml(ref)}</b>`];
  if (item.path.length > 0) parts.push(`<i>${escapeHtml(item.path.join(" › "))}</i>`);
  parts.push(escapeHtml(item.text.trim()));
  if (item.responsible && item.responsible.length > 0) {
    parts.push(`<b>责任单位</b>：${escapeHtml(item.responsible.join("、"))}`);
  }
  return parts.join("\n\n");
}

/** The document list for /docs. */
export function renderDocumentsHtml(docs: readonly DocumentMeta[]): string {
  const lines = docs.map((d) => {
    const prefix = d.file.split("_")[0] ?? d.file;
    const facts = [d.docNumber, d.issuer, d.date].filter((x): x is string => Boolean(x)).map(escapeHtml);
    return `<code>${escapeHtml(prefix)}</code> 《${escapeHtml(d.title)}》${facts.length ? "\n    " + facts.join("，") : ""}`;
  });
  return `<b>已收录 ${docs.length} 份文件</b>\n\n${lines.join("\n")}`;
}
