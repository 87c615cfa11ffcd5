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
import { coverage, type Concept } from "../question/concepts.ts";
import type { Figure } from "../question/measures.ts";
import { squash } from "../../text/normalize.ts";
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

/** What the figure must count: the topic word nearest the ask (多少所技师学院 → 技师学院; 培训量要到多少 → 培训). */
function subjectOf(q: AnalysedQuestion): Concept | null {
  const ask = q.text.search(/多少|几|百分之|比例|占比/);
  if (ask < 0) return null;
  const topical = q.concepts.filter((c) => c.inCorpus && [...c.text].length >= 2 && q.text.includes(c.text));
  // The counted noun follows the ask when it is written there (有多少所高职院校), else it comes before it.
  const distance = (c: Concept) => {
    const at = q.text.indexOf(c.text);
    return at >= ask ? at - ask : 100 + ask - (at + c.text.length);
  };
  return [...topical].sort((a, b) => distance(a) - distance(b))[0] ?? null;
}

/** The words a figure counts: what follows it in its clause. */
function objectOf(clause: string, f: Figure): string {
  return clause.slice(f.index + f.text.length, f.index + f.text.length + 14);
}

/**
 * Whether a figure answers: written in the asked measure, counting something that is not
 * an excluded alternative (2-3所中职学校 does not count 高职), nor a subset the question did
 * not name (15所国家“双高计划”高职院校 is not how many 高职院校 there are).
 */
function figureAnswers(q: AnalysedQuestion, clause: string, f: Figure, subject: Concept | null, ctx: KindContext): boolean {
  if (!ctx.measures.fits(f, q.measure)) return false;
  const object = objectOf(clause, f);
  if (ctx.contrasts.conflicts(q.text, object.slice(0, 8))) return false;
  if (subject) {
    const at = subject.alternatives.map((a) => object.indexOf(a)).filter((i) => i >= 0);
    const named = /[“"《][^”"》]+[”"》]/.exec(at.length > 0 ? object.slice(0, Math.min(...at)) : "");
    if (named && !squash(q.text).includes(squash(named[0]).replace(/[“”"《》]/g, ""))) return false;
  }
  return ctx.contrasts.conflicts(q.text, clause)
    ? !ctx.contrasts.conflicts(q.text, clause.slice(f.index, f.index + f.text.length + 6))
    : true;
}

/**
 * Clauses of a sentence holding a figure that answers. When a figure that counts the asked
 * subject is ruled out (25个国家级…培训基地 for 省级), no other figure of the sentence stands in for it.
 */
function answeringClauses(q: AnalysedQuestion, sentence: string, ctx: KindContext): string[] {
  const subject = subjectOf(q);
  const clauses = clausesOf(sentence);
  const countsSubject = (clause: string, f: Figure) =>
    subject !== null && subject.alternatives.some((a) => objectOf(clause, f).includes(a));
  const blocked = clauses.some((clause) =>
    ctx.measures
      .figuresIn(clause)
      .some((f) => ctx.measures.fits(f, q.measure) && countsSubject(clause, f) && !figureAnswers(q, clause, f, subject, ctx)),
  );
  return clauses.filter((clause) =>
    ctx.measures.figuresIn(clause).some((f) => figureAnswers(q, clause, f, subject, ctx) && (!blocked || countsSubject(clause, f))),
  );
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
      return {
        lead: `${name}：共${points}条`,
        evidence: [{ quote: quoteWindow(last, `（${points}）`, MAX_QUOTE_CHARS), citation: 0 }],
        items: [c.hit],
      };
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
