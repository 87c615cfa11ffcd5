/**
 * "任务清单第33项", "专栏3讲什么", "2023年要点第5条说了什么": a question that names an item
 * and asks nothing else about it is answered with the item itself: its heading (or first
 * sentence) as the lead, its opening as the quote.
 */
import { asLead, stripMarker } from "../compose/quotes.ts";
import { sentencesOf } from "../../text/sentences.ts";
import type { QuestionKind } from "./kind.ts";

/** Up to a phone screen of the item is quoted. */
const QUOTE_CHARS = 200;

export const reference: QuestionKind = {
  name: "reference",
  detect: (q) => q.reference !== null && q.reference.item !== null,
  sentenceFit: () => 1,
  answers: (_q, c) => c.hit.referenced,
  write(_q, c) {
    const item = c.hit.item;
    const lead = item.heading || asLead(sentencesOf(item.text)[0] ?? item.text);
    const body = stripMarker(item.text.replace(/\n/g, ""));
    return {
      lead,
      evidence: [{ quote: body.length <= QUOTE_CHARS ? body : body.slice(0, QUOTE_CHARS) + "…", citation: 0 }],
      items: [c.hit],
    };
  },
  compose(q, search, ctx) {
    const hit = search.items.find((s) => s.referenced);
    if (!hit) return null;
    const written = this.write(q, { hit, rank: 0, sentence: "", sentenceCoverage: 1, itemCoverage: 1, fit: 1 }, ctx)!;
    return { ...written, refused: false };
  },
};
