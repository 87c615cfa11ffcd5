/**
 * When-questions (什么时候, 哪年, 截止时间, 多久): the clause with the date, deadline or
 * span, about the asked thing.
 */
import { DATE } from "../../text/dates.ts";
import { bestClause, quoteWindow } from "../compose/quotes.ts";
import { coverage } from "../question/concepts.ts";
import { contextOf, MAX_QUOTE_CHARS } from "./fact.ts";
import type { QuestionKind } from "./kind.ts";
import { clausesOf } from "../../text/sentences.ts";

export const when: QuestionKind = {
  name: "when",
  detect: (q, ctx) => ctx.vocabulary.kinds.when.some((w) => q.text.includes(w)),
  // The date should sit in a clause about the asked thing, not anywhere in a long sentence.
  sentenceFit(q, sentence) {
    const dated = clausesOf(sentence).filter((c) => DATE.test(c));
    if (dated.length === 0) return 0;
    return 0.5 + 0.5 * Math.max(...dated.map((c) => coverage(q.concepts, c)));
  },
  answers: (_q, c) => DATE.test(c.sentence),
  write(q, c) {
    const lead = bestClause(c.sentence, q.concepts, (cl) => DATE.test(cl), contextOf(c));
    if (!DATE.test(lead)) return null;
    return { lead, evidence: [{ quote: quoteWindow(c.sentence, lead, MAX_QUOTE_CHARS), citation: 0 }], items: [c.hit] };
  },
};
