/**
 * When-questions (什么时候, 哪年, 截止时间, 多久): the clause with the date, deadline or
 * span, about the asked thing.
 */
import { DATE, DURATION } from "../../text/dates.ts";
import { bestClause, quoteWindow } from "../compose/quotes.ts";
import { coverage } from "../question/concepts.ts";
import { contextOf, MAX_QUOTE_CHARS } from "./fact.ts";
import type { QuestionKind } from "./kind.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { clausesOf } from "../../text/sentences.ts";

/** 多久 / 多长时间 ask for a span, which a duration answers as well as a date. */
const ASKS_SPAN = /多久|多长时间|多长|几个月|多少天|多少年/;

/** What answers the question: a date, or for a span question a duration too. */
function answersWhen(q: AnalysedQuestion, text: string): boolean {
  return DATE.test(text) || (ASKS_SPAN.test(q.text) && DURATION.test(text));
}

export const when: QuestionKind = {
  name: "when",
  detect: (q, ctx) => ctx.vocabulary.kinds.when.some((w) => q.text.includes(w)),
  // The date should sit in a clause about the asked thing, not anywhere in a long sentence.
  sentenceFit(q, sentence) {
    const dated = clausesOf(sentence).filter((c) => answersWhen(q, c));
    if (dated.length === 0) return 0;
    return 0.5 + 0.5 * Math.max(...dated.map((c) => coverage(q.concepts, c)));
  },
  answers: (q, c) => answersWhen(q, c.sentence),
  write(q, c) {
    const lead = bestClause(c.sentence, q.concepts, (cl) => answersWhen(q, cl), contextOf(c));
    if (!answersWhen(q, lead)) return null;
    return { lead, evidence: [{ quote: quoteWindow(c.sentence, lead, MAX_QUOTE_CHARS), citation: 0 }], items: [c.hit] };
  },
};
