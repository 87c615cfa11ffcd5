/**
 * Figure questions (多少, 几所, 百分之多少, 几倍): answered only by a figure written in the
 * asked measure (data/measures.json), in a clause about the asked subject, and not about
 * an excluded alternative (2-3所中职 does not answer 多少所高职). An indicator-table row
 * leads with its columns named; "一共几条" about an item counts its （1）…（N）.
 */
import { clausesOf, sentencesOf } from "../../text/sentences.ts";
import { bestClause, quoteWindow } from "../compose/quotes.ts";
import { readIndicatorRow } from "../indicator-rows.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { coverage } from "../question/concepts.ts";
import { contextOf, MAX_QUOTE_CHARS } from "./fact.ts";
import type { KindContext, QuestionKind } from "./kind.ts";

/** How many points an item enumerates as （1）（2）… in order, or 0. */
function enumeratedPoints(text: string): number {
  let n = 0;
  while (text.includes(`（${n + 1}）`) || text.includes(`(${n + 1})`)) n++;
  return n;
}

/** Whether the question counts an item's points (一共几条 / 多少项). */
function countsPoints(q: AnalysedQuestion): boolean {
  return q.measure?.counts === true && /[条项点]/.test(q.text.slice(q.text.search(/几|多少/)));
}

/** Clauses of a sentence holding a figure in the asked measure whose object is not an excluded alternative. */
function answeringClauses(q: AnalysedQuestion, sentence: string, ctx: KindContext): string[] {
  return clausesOf(sentence).filter((clause) => {
    const figures = ctx.measures.figuresIn(clause).filter((f) => ctx.measures.fits(f, q.measure));
    if (figures.length === 0) return false;
    if (ctx.contrasts.conflicts(q.text, clause)) {
      // The figure counts what follows it (2-3所中职学校): that object decides.
      return figures.some((f) => !ctx.contrasts.conflicts(q.text, clause.slice(f.index, f.index + f.text.length + 6)));
    }
    return true;
  });
}

export const number: QuestionKind = {
  name: "number",
  // 哪几 asks "which", not "how many".
  detect: (q, ctx) => ctx.vocabulary.kinds.number.some((w) => q.text.replace(/哪几/g, "").includes(w)) || q.measure !== null,
  sentenceFit(q, sentence, item, ctx) {
    if (readIndicatorRow(item.text, sentence)) return 1;
    if (countsPoints(q) && enumeratedPoints(item.text) >= 2) return 1;
    const clauses = answeringClauses(q, sentence, ctx);
    if (clauses.length === 0) return 0;
    return 0.4 + 0.6 * Math.max(...clauses.map((c) => coverage(q.concepts, c)));
  },
  answers: (q, c, ctx) =>
    readIndicatorRow(c.hit.item.text, c.sentence) !== null ||
    (countsPoints(q) && enumeratedPoints(c.hit.item.text) >= 2) ||
    answeringClauses(q, c.sentence, ctx).length > 0,
  write(q, c, ctx) {
    const item = c.hit.item;
    const points = countsPoints(q) ? enumeratedPoints(item.text) : 0;
    if (points >= 2) {
      const last = sentencesOf(item.text).find((t) => t.includes(`（${points}）`)) ?? c.sentence;
      const name = item.heading || clausesOf(sentencesOf(item.text)[0] ?? "")[0] || "";
      return { lead: `${name}：共${points}条`, evidence: [{ quote: quoteWindow(last, `（${points}）`, MAX_QUOTE_CHARS), citation: 0 }], items: [c.hit] };
    }
    const row = readIndicatorRow(item.text, c.sentence);
    if (row) return { lead: row, evidence: [{ quote: c.sentence, citation: 0 }], items: [c.hit] };
    const clauses = answeringClauses(q, c.sentence, ctx);
    if (clauses.length === 0) return null;
    const lead = bestClause(clauses.join("，"), q.concepts, undefined, contextOf(c));
    if (!ctx.measures.figuresIn(lead).some((f) => ctx.measures.fits(f, q.measure))) return null;
    return { lead, evidence: [{ quote: quoteWindow(c.sentence, lead, MAX_QUOTE_CHARS), citation: 0 }], items: [c.hit] };
  },
};
