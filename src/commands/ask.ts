/**
 * ask: an answer laid out for a phone. The lead comes first, short and bold. A list
 * answer is grouped by document (the title once per group), one short line per item
 * with its topic, ten to a page after a count (共40项). Other answers quote their first
 * sentence and fold the rest, and name each document once in the sources. Every cited
 * item on a page gets a 📄 button for its full text.
 */
import { citationLine, readableLabel } from "../answer/render-answer.ts";
import { DATE } from "../text/dates.ts";
import { clausesOf, sentencesOf } from "../text/sentences.ts";
import type { Answer, Citation } from "../answer/types.ts";
import { readMarker } from "../corpus/numbering.ts";
import { WORDING } from "../wording/wording.ts";
import { buttonRows, clipText, pageRanges, replyOf, textReply } from "./reply.ts";
import type { Block, Button, Line, Page, Quote, Reply } from "./reply.ts";

/** Layout limits; the defaults suit a phone screen. */
export const ANSWER_LAYOUT = {
  /** Items of a list answer on one page. */
  listPerPage: 10,
  /** Longest quote shown for one evidence sentence; longer ones are cut with …. */
  maxQuoteChars: 600,
  /** Characters of an item's topic in a list line when the answer stage gave none. */
  maxTopicChars: 24,
  /** 📄 buttons under an answer that is not a list (a list has one per item on each page). */
  maxSourceButtons: 10,
} as const;

/** What a cited item is about: the answer stage's topic, else the first clause of its text that says more than a date. */
export function topicOf(c: Pick<Citation, "topic" | "text">): string {
  if (c.topic?.trim()) return c.topic.trim();
  const first = sentencesOf(c.text)[0] ?? c.text;
  const body = readMarker(first)?.rest ?? first;
  const clause = clausesOf(body).find((cl) => cl.replace(DATE, "").length >= 6) ?? body;
  return clipText(clause, ANSWER_LAYOUT.maxTopicChars);
}

/** 《title》（文号）, how a group of citations is headed. */
const documentName = (c: Citation) => WORDING.documentName(c.title, c.docNumber);

/** Citations grouped by document, groups in order of first appearance, with their index in the answer. */
function byDocument(citations: readonly Citation[]): { citation: Citation; index: number }[][] {
  const groups = new Map<string, { citation: Citation; index: number }[]>();
  citations.forEach((citation, index) => {
    const group = groups.get(citation.file) ?? [];
    group.push({ citation, index });
    groups.set(citation.file, group);
  });
  return [...groups.values()];
}

const sourceButton = (c: Citation, text: string): Button | undefined =>
  c.label === null ? undefined : { text, action: { kind: "source", file: c.file, label: c.label } };

/** The list's heading: the lead up to its colon (the enumeration follows there), with the count. */
function listHeading(lead: string, count: number): string {
  const head = lead.split("：")[0]!.trim();
  // The answer stage counts 条 or 项 as the document numbers its items; either is the count.
  return new RegExp(`共${count}[项条]`).test(head) ? head : `${head}（${WORDING.listCount(count)}）`;
}

function quoteBlocks(answer: Answer): Block[] {
  const lead = answer.lead.trim();
  // A quote that only repeats the lead adds length, not proof, on a small screen.
  const quotes: Quote[] = answer.evidence
    .filter((ev) => !(answer.evidence.length === 1 && ev.quote.trim() === lead))
    .map((ev) => ({
      text: clipText(ev.quote, ANSWER_LAYOUT.maxQuoteChars),
      ...(answer.citations.length > 1 ? { tag: `［${ev.citation + 1}］` } : {}),
    }));
  if (quotes.length === 0) return [];
  const blocks: Block[] = [{ kind: "quote", quotes: quotes.slice(0, 1), folded: false }];
  if (quotes.length > 1) blocks.push({ kind: "quote", quotes: quotes.slice(1), folded: true });
  return blocks;
}

function listReply(answer: Answer): Reply {
  const entries = byDocument(answer.citations).flat();
  const total = entries.length;
  const ranges = pageRanges(total, ANSWER_LAYOUT.listPerPage);
  return {
    pageCount: ranges.length,
    page(k): Page {
      const { from, to } = ranges[k]!;
      const slice = entries.slice(from, to);
      const head: Line = k === 0 ? [{ bold: listHeading(answer.lead, total) }] : [WORDING.listContinued(k + 1, ranges.length, total)];
      const groups = byDocument(slice.map((e) => e.citation));
      const numbered = groups.length > 1;
      const blocks: Block[] = [{ kind: "text", lines: [head] }, ...(k === 0 ? quoteBlocks(answer) : [])];
      const buttons: Button[] = [];
      groups.forEach((group, g) => {
        const heading: Line = [{ bold: `${numbered ? `${g + 1}. ` : ""}${documentName(group[0]!.citation)}` }];
        const lines = group.map(({ citation: c }): Line => [`${readableLabel(c.label, c.kind)}　${topicOf(c)}`]);
        blocks.push({ kind: "text", lines: [heading, ...lines] });
        for (const { citation: c } of group) {
          const b = sourceButton(c, WORDING.sourceButtonNumbered(`${numbered ? `${g + 1}·` : ""}${readableLabel(c.label, c.kind)}`));
          if (b) buttons.push(b);
        }
      });
      const more = k < ranges.length - 1 ? { more: { kind: "count" as const, remaining: total - to, unit: WORDING.listUnit } } : {};
      return { blocks, buttons: buttonRows(buttons), ...more };
    },
  };
}

function sourcesBlock(citations: readonly Citation[]): Block {
  const tagged = citations.length > 1;
  const label = ({ citation: c, index }: { citation: Citation; index: number }) =>
    readableLabel(c.label, c.kind) + (tagged ? `［${index + 1}］` : "");
  const groups = byDocument(citations).map((group) => documentName(group[0]!.citation) + group.map(label).join("、"));
  const heading = { bold: WORDING.sources };
  const lines: Line[] = groups.length === 1 ? [[heading, `：${groups[0]}`]] : [[heading], ...groups.map((g) => [g])];
  return { kind: "text", lines };
}

/** The reply to a question. */
export function answerReply(answer: Answer): Reply {
  const lead = answer.lead.trim();
  if (answer.refused) {
    // Nothing was searched (an empty or emoji-only message): the prompt alone.
    if (answer.retrieved.length === 0 && answer.related.length === 0) return textReply(lead);
    const blocks: Block[] = [{ kind: "text", lines: [[{ bold: lead }]] }];
    if (answer.related.length > 0) {
      const lines = answer.related.flatMap((c): Line[] => [[`• ${citationLine(c)}`], [`　${topicOf(c)}`]]);
      blocks.push({ kind: "text", lines: [[`${WORDING.related}：`], ...lines] });
    }
    return replyOf({ blocks, buttons: [] });
  }
  if (answer.shape === "list") return listReply(answer);
  const blocks: Block[] = [];
  if (lead) blocks.push({ kind: "text", lines: [[{ bold: lead }]] });
  blocks.push(...quoteBlocks(answer));
  if (answer.citations.length > 0) blocks.push(sourcesBlock(answer.citations));
  const single = answer.citations.length === 1;
  const buttons = answer.citations
    .slice(0, ANSWER_LAYOUT.maxSourceButtons)
    .map((c, k) => sourceButton(c, single ? WORDING.sourceButton : WORDING.sourceButtonNumbered(String(k + 1))))
    .filter((b): b is Button => b !== undefined);
  return replyOf({ blocks, buttons: buttonRows(buttons) });
}
