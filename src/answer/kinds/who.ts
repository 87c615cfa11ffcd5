/**
 * Who-questions (谁负责, 哪些部门, 由谁牵头): answered by the units an item names as
 * responsible (责任单位 / 责任部门), or by the actor a sentence names (由地方政府牵头).
 * "牵头" is said only where the document says who leads.
 */
import { clausesOf } from "../../text/sentences.ts";
import { bestClause, opening, quoteWindow } from "../compose/quotes.ts";
import { contextOf, MAX_QUOTE_CHARS } from "./fact.ts";
import type { QuestionKind } from "./kind.ts";

/** Fusion lift for items that name responsible units (in 1/k units of reciprocal-rank fusion). */
const RESPONSIBLE_LIFT = 0.3;

function namesActor(sentence: string, verbs: readonly string[]): boolean {
  return verbs.some((v) => sentence.includes(v));
}

/** The responsibility statement as written: the row's unit column, or the （责任单位：…） note. */
function statement(text: string, kind: string): string {
  if (kind === "row") return text.split("\n").slice(-1)[0]!;
  return /[（(]责任(单位|部门)[:：][^]*$/.exec(text.replace(/\n/g, ""))?.[0] ?? "";
}

export const who: QuestionKind = {
  name: "who",
  detect: (q, ctx) => ctx.vocabulary.kinds.who.some((w) => q.text.includes(w)),
  lift: (_q, item) => (item.responsible ? RESPONSIBLE_LIFT : 0),
  sentenceFit: (_q, sentence, item, ctx) => (item.responsible ? 1 : namesActor(sentence, ctx.vocabulary.answerWords.actorVerbs) ? 0.7 : 0),
  answers: (_q, c, ctx) => c.hit.item.responsible !== null || namesActor(c.sentence, ctx.vocabulary.answerWords.actorVerbs),
  write(q, c, ctx) {
    const item = c.hit.item;
    if (item.responsible) {
      const lead = `责任单位：${item.responsible.join("、")}`;
      const evidence = [{ quote: opening(item.text, MAX_QUOTE_CHARS), citation: 0 }];
      const said = statement(item.text, item.kind);
      if (said) evidence.push({ quote: said, citation: 0 });
      return { lead, evidence, items: [c.hit] };
    }
    const verbs = ctx.vocabulary.answerWords.actorVerbs;
    const clause = bestClause(c.sentence, q.concepts, (cl) => namesActor(cl, verbs), contextOf(c));
    if (!namesActor(clause, verbs) && !clausesOf(c.sentence).some((cl) => namesActor(cl, verbs))) return null;
    return { lead: clause, evidence: [{ quote: quoteWindow(c.sentence, clause, MAX_QUOTE_CHARS), citation: 0 }], items: [c.hit] };
  },
};
