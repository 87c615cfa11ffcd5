/**
 * Citations as the answer carries them: document, label, title, number, date, the item's
 * text and a short topic for one-line lists. Built from search hits or from items found
 * by structure (lists, references), always from the corpus's own metadata.
 */
import type { DocumentMeta, Item } from "../../corpus/types.ts";
import { clausesOf } from "../../text/sentences.ts";
import type { Citation } from "../types.ts";
import { stripMarker } from "./quotes.ts";

/** An item with its document, and how well search rated it (1 for items found by structure). */
export interface CitedItem {
  readonly item: Item;
  readonly meta: DocumentMeta;
  readonly score: number;
}

/** Longest topic shown in a one-line list. */
const TOPIC_CHARS = 30;

/** What an item is about in a few words: its heading, else its first clause that says more than a date. */
export function topicOf(item: Item): string {
  if (item.heading) return item.heading;
  const first = stripMarker(item.text.split("\n")[0] ?? item.text);
  const clause = clausesOf(first).find((c) => c.replace(/\d{4}年(\d{1,2}月)?(底前|底|前|起)?/g, "").length >= 6) ?? first;
  return clause.length > TOPIC_CHARS ? clause.slice(0, TOPIC_CHARS) + "…" : clause;
}

/** Whether two citations name the same item (unnumbered text is told apart by its text). */
export function sameCitation(a: Citation, b: Citation): boolean {
  return a.file === b.file && a.label === b.label && a.text === b.text;
}

export function toCitation(hit: CitedItem): Citation {
  return {
    file: hit.item.file,
    label: hit.item.label,
    title: hit.meta.title,
    docNumber: hit.meta.docNumber,
    date: hit.meta.date,
    kind: hit.item.kind,
    text: hit.item.text,
    topic: topicOf(hit.item),
    score: Number(hit.score.toFixed(4)),
  };
}
