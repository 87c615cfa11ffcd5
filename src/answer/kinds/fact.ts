/**
 * Fact questions (是什么, 怎么安排, 有啥要求…), and the default kind: the lead is the
 * sentence, or the clause of it that best covers the question.
 */
import { asLead, bestClause, quoteWindow } from "../compose/quotes.ts";
import type { QuestionKind } from "./kind.ts";

/** Quotes longer than this are cut to the clauses around the answer. */
export const MAX_QUOTE_CHARS = 120;
/** A sentence up to this long is the lead as it stands. */
const SHORT_SENTENCE = 60;

/** Title and headings of a candidate's item: words there name the document, not the answer. */
export function contextOf(c: { hit: { meta: { title: string }; item: { path: readonly string[] } } }): string {
  return [c.hit.meta.title, ...c.hit.item.path].join(" ");
}

export const fact: QuestionKind = {
  name: "fact",
  detect: () => true,
  // An item's bare heading names the topic; the sentences after it, when it has any, say what is done.
  sentenceFit: (_q, sentence, item) =>
    item.heading !== "" && sentence.length <= item.heading.length + 6 && item.text.length > sentence.length + item.heading.length ? 0.3 : 1,
  answers: () => true,
  write(q, c) {
    const lead = c.sentence.length <= SHORT_SENTENCE ? asLead(c.sentence) : bestClause(c.sentence, q.concepts, undefined, contextOf(c));
    return { lead, evidence: [{ quote: quoteWindow(c.sentence, lead, MAX_QUOTE_CHARS), citation: 0 }], items: [c.hit] };
  },
};
