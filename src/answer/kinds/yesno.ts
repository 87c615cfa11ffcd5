/**
 * Yes/no questions (能…吗, 是否, 有没有, …吧). The verdict is read from the cited sentence:
 * the asked action must be in it, and a negation right before the action (不得, 不纳入)
 * turns the verdict. A wrong premise (建在潍坊吗, when the circular says 枣庄; 高职 when
 * it says 中职; 80% when it says 90%) is answered 不是 with the right fact. The lead word
 * follows the question's own verb: 有没有 → 有 / 没有, 能否 → 能 / 不能.
 */
import { clausesOf } from "../../text/sentences.ts";
import { squash } from "../../text/normalize.ts";
import { bestClause, quoteWindow } from "../compose/quotes.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { coverage, mentions, type Concept } from "../question/concepts.ts";
import { contextOf, MAX_QUOTE_CHARS } from "./fact.ts";
import type { KindContext, QuestionKind } from "./kind.ts";

/** The question's verb (longest first) and where it stands; 要 inside 要点 is part of a word, not the verb. */
function verbOf(q: AnalysedQuestion, ctx: KindContext): { verb: string; at: number } | null {
  const verbs = [...ctx.vocabulary.answerWords.yesnoVerbs.keys()].sort((a, b) => b.length - a.length);
  const inWord = (at: number, length: number) =>
    q.concepts.some((c) => {
      for (let i = q.text.indexOf(c.text); i >= 0; i = q.text.indexOf(c.text, i + 1))
        if (at >= i && at + length <= i + c.text.length && c.text.length > length) return true;
      return false;
    });
  for (const v of verbs) {
    for (let at = q.text.indexOf(v); at >= 0; at = q.text.indexOf(v, at + 1)) if (!inWord(at, v.length)) return { verb: v, at };
  }
  return null;
}

/** Concepts written after the question's verb: the action asked about (能互转吗 → 互转). */
export function predicate(q: AnalysedQuestion, ctx: KindContext): Concept[] {
  const v = verbOf(q, ctx);
  if (!v) return [];
  const after = q.text.slice(v.at + v.verb.length);
  return q.concepts.filter((c) => after.includes(c.text));
}

/** The share of what a yes/no question is about that the answering item must speak of. */
const SUBJECT_SHARE = 0.5;

/** Concepts written before the question's verb: what the question is about (学生实习有补贴吗 → 学生, 实习). */
function subject(q: AnalysedQuestion, ctx: KindContext): Concept[] {
  const v = verbOf(q, ctx);
  if (!v) return [];
  const before = q.text.slice(0, v.at);
  return q.concepts.filter((c) => before.includes(c.text) && c.inCorpus);
}

/** Whether a negation stands right before one of the action's words in the sentence. */
export function negated(sentence: string, action: readonly Concept[], ctx: KindContext): boolean {
  const { negations, notNegations } = ctx.vocabulary.answerWords;
  const s = squash(sentence);
  for (const clause of clausesOf(s)) {
    const hit = action.find((c) => mentions(c, clause));
    if (!hit) continue;
    const at = Math.min(...hit.alternatives.map((a) => clause.indexOf(squash(a))).filter((i) => i >= 0));
    const before = clause.slice(Math.max(0, at - 6), at + 2);
    if (negations.some((n) => before.includes(n)) && !notNegations.some((n) => clause.includes(n))) return true;
  }
  return false;
}

/** What the text says instead of the question's premise (潍坊 → 枣庄, 80% → 90%), or null. */
export function contradiction(q: AnalysedQuestion, text: string, ctx: KindContext): string | null {
  // A place: the question names one, the text names others of the place list and not it.
  const places = [...ctx.vocabulary.places.cities, ...ctx.vocabulary.places.otherProvinces];
  const asked = places.filter((p) => q.text.includes(p));
  if (asked.length > 0) {
    const said = places.filter((p) => text.includes(p));
    if (said.length > 0 && !asked.some((p) => said.includes(p))) return said.join("、");
  }
  // A district, county or city the circulars never name, where the text names another (西城区 asked, 东城区 said).
  for (const m of q.text.matchAll(/\p{Script=Han}{2}([区县市])/gu)) {
    if (ctx.inCorpus(m[0])) continue;
    const other = new RegExp(`\\p{Script=Han}{2}${m[1]}`, "u").exec(text);
    if (other && !ctx.contrasts.conflicts(other[0], m[0])) return other[0];
  }
  // A member of a group of exclusive words (高职 asked, 中职 said).
  const other = ctx.contrasts.conflicting(q.text, text);
  if (other) return other.said;
  // A figure in the same measure with another value.
  const mine = ctx.measures.figuresIn(q.text).filter((f) => f.unit !== "");
  for (const f of mine) {
    const theirs = ctx.measures.figuresIn(text).filter((g) => g.unit === f.unit && g.value !== f.value);
    if (theirs.length > 0 && !ctx.measures.figuresIn(text).some((g) => g.unit === f.unit && g.value === f.value)) return theirs[0]!.text;
  }
  return null;
}

/** Whether a sentence speaks to the question: it names the asked action, or contradicts the premise. */
export function speaksTo(q: AnalysedQuestion, sentence: string, ctx: KindContext): boolean {
  const action = predicate(q, ctx);
  return action.length === 0 || action.some((k) => mentions(k, squash(sentence))) || contradiction(q, sentence, ctx) !== null;
}

/** The verdict a sentence gives: yes unless it contradicts the premise or negates the asked action. */
export function affirms(q: AnalysedQuestion, sentence: string, ctx: KindContext): boolean {
  return contradiction(q, sentence, ctx) === null && !negated(sentence, predicate(q, ctx), ctx);
}

export const yesno: QuestionKind = {
  name: "yesno",
  // 吗/吧 at the end or an A-not-A ending (能互转不); 能不能-style words unless a date or figure is asked.
  detect(q, ctx) {
    // 什么 / 怎么 end a question with 么 without asking yes or no.
    if (/(?<![什怎那这多])[吗么吧不没][？?。！!]*$/.test(q.text)) return true;
    const k = ctx.vocabulary.kinds;
    return k.yesno.some((w) => w.length >= 2 && q.text.includes(w)) && ![...k.when, ...k.number].some((w) => q.text.includes(w));
  },
  sentenceFit(q, sentence, _item, ctx) {
    const action = predicate(q, ctx);
    const covered = action.length === 0 || action.some((c) => mentions(c, squash(sentence)));
    if (contradiction(q, sentence, ctx)) return 1;
    return covered ? 1 : 0;
  },
  answers(q, c, ctx) {
    // A verdict needs the asked action and, mostly, what it is about: 有补贴吗 about 学生实习
    // is not answered by 培训补贴 (words of the document's title count as said).
    const about = subject(q, ctx);
    if (about.length > 0 && coverage(about, [c.hit.meta.title, ...c.hit.item.path, c.hit.item.text].join("")) < SUBJECT_SHARE) return false;
    return speaksTo(q, c.sentence, ctx);
  },
  write(q, c, ctx) {
    const { yesnoVerbs, negatedLeads } = ctx.vocabulary.answerWords;
    const v = verbOf(q, ctx);
    const yes = (v && yesnoVerbs.get(v.verb)) ?? "是";
    const no = negatedLeads.get(yes) ?? `不${yes}`;
    const wrong = contradiction(q, c.sentence, ctx);
    const action = predicate(q, ctx);
    const clause = wrong
      ? (clausesOf(c.sentence).find((cl) => cl.includes(wrong)) ?? bestClause(c.sentence, q.concepts, undefined, contextOf(c)))
      : bestClause(c.sentence, action.length > 0 ? action : q.concepts, undefined, contextOf(c));
    const verdict = wrong ? (yes === "有" ? "没有" : yes === "对" ? "不对" : "不是") : negated(c.sentence, action, ctx) ? no : yes;
    return {
      lead: `${verdict}。${clause}`,
      evidence: [{ quote: quoteWindow(c.sentence, clause, MAX_QUOTE_CHARS), citation: 0 }],
      items: [c.hit],
    };
  },
};
