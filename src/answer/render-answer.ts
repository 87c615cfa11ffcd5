/**
 * Plain-text rendering of answers and citations, shared by the command line, the
 * terminal chat and the JSON `answer` field.
 */
import type { Item } from "../corpus/types.ts";
import type { Citation, Evidence } from "./types.ts";
import { WORDING } from "../wording/wording.ts";

/** How a label reads in a citation: 第7条, 第33项, 附件第12项, 三、（二）2., 专栏1. */
export function readableLabel(label: string | null, kind?: Item["kind"]): string {
  if (label === null) return "正文";
  if (/^\d+$/.test(label)) return kind === "row" ? `第${label}项` : `第${label}条`;
  const appendix = /^附件(\d+)$/.exec(label);
  if (appendix) return `附件第${appendix[1]}项`;
  return label;
}

/** 《title》（docNumber）label */
export function citationLine(c: Pick<Citation, "title" | "docNumber" | "label" | "kind">): string {
  return `《${c.title}》${c.docNumber ? `（${c.docNumber}）` : ""}${readableLabel(c.label, c.kind)}`;
}

/** The whole answer as a person reads it: lead, quoted evidence, sources. */
export function renderAnswerText(parts: {
  lead: string;
  evidence: readonly Evidence[];
  citations: readonly Citation[];
  related: readonly Citation[];
  refused: boolean;
  /** A list answer: one line per cited item with its topic, grouped by document. */
  listed?: boolean;
}): string {
  if (parts.listed && parts.citations.length > 0) return renderList(parts.lead, parts.citations);
  const lines = [parts.lead];
  for (const e of parts.evidence) lines.push(`「${e.quote}」`);
  if (parts.citations.length > 0) {
    lines.push(`${WORDING.sources}：${parts.citations.map((c) => citationLine(c)).join("；")}`);
  }
  if (parts.refused && parts.related.length > 0) {
    lines.push(`${WORDING.related}：${parts.related.map((c) => citationLine(c)).join("；")}`);
  }
  return lines.join("\n");
}

/** A list answer: the count, then each document once with one line per item. */
function renderList(lead: string, citations: readonly Citation[]): string {
  const lines = [`${lead}：`];
  let title = "";
  for (const c of citations) {
    if (c.title !== title) {
      title = c.title;
      lines.push(`《${c.title}》${c.docNumber ? `（${c.docNumber}）` : ""}`);
    }
    lines.push(`  ${readableLabel(c.label, c.kind)}${c.topic ? ` ${c.topic}` : ""}`);
  }
  return lines.join("\n");
}
