/**
 * The polarity of a model's answer against the cited sentences. A yes/no verdict
 * (能/不能, 要/不得, 是/不是, 有/没有) must be the one a cited sentence gives, read by the
 * yes/no kind itself; and a word the answer negates (学籍不得互转), or states without a
 * negation (纳入绩效工资总量), must stand that way in some cited sentence that names it.
 */
import type { AnswerWords } from "../../lexicon/vocabulary.ts";
import { squash } from "../../text/normalize.ts";
import { sentencesOf } from "../../text/sentences.ts";
import type { KindContext } from "../kinds/kind.ts";
import { affirms, negated, predicate, speaksTo } from "../kinds/yesno.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { coverage, type Concept } from "../question/concepts.ts";
import type { CitedText } from "./cited-text.ts";

/** The cited sentences that give the verdict: those that speak to the question and cover nearly as much of it as the best. */
const VERDICT_COVERAGE = 0.8;

/**
 * The verdict an answer opens with: true for 能 / 可以 / 是的 alone, false for 否 or a phrase
 * that opens with 不能 / 不是 / 没有 (不是2025年，…); null otherwise.
 * @param plainNo words that say no alone (否), besides the negated leads.
 */
export function verdictOf(answer: string, words: AnswerWords, plainNo: readonly string[]): boolean | null {
  // The first phrase, without a closing particle (是的, 可以了).
  const first = squash(answer).split(/[\p{P}\p{S}]/u)[0]!.replace(/[的了啊]$/, "");
  if (plainNo.includes(first) || [...words.negatedLeads.values()].some((no) => first.startsWith(no))) return false;
  if ([...words.yesnoVerbs.values()].includes(first)) return true;
  return null;
}

/** A word as a concept of its own, for the yes/no kind's negation reader. */
const conceptOf = (word: string): Concept => ({ text: word, alternatives: [word], weight: 1, inCorpus: true, source: "typed" });

/** What stands negated in a text: the two characters after a negation, and the verb inside one (不纳入 → 纳入). */
function negatedWords(text: string, words: AnswerWords): string[] {
  const s = squash(text);
  const out: string[] = [];
  for (const n of words.negations) {
    for (let at = s.indexOf(n); at >= 0; at = s.indexOf(n, at + 1)) {
      const next = /^\p{Script=Han}{2}/u.exec(s.slice(at + n.length))?.[0];
      if (next) out.push(next);
      if ([...n].length >= 3 && n.startsWith("不")) out.push(n.slice(1));
    }
  }
  return out;
}

/** The yes/no verdict of the answer where the cited sentences do not give it; null when they do. */
function verdictConflict(
  answer: string,
  q: AnalysedQuestion,
  cited: CitedText,
  extractiveLead: string,
  check: PolarityContext,
): string | null {
  const { ctx, plainNo } = check;
  const words = ctx.vocabulary.answerWords;
  const action = predicate(q, ctx);
  const named = action.some((c) => c.alternatives.some((a) => squash(answer).includes(squash(a))));
  const mine = verdictOf(answer, words, plainNo) ?? (named ? !negated(answer, action, ctx) : null);
  if (mine === null) return null;
  const speaking = cited.sentences.flat().filter((s) => speaksTo(q, s, ctx));
  const best = Math.max(0, ...speaking.map((s) => coverage(q.concepts, s)));
  const theirs = new Set(speaking.filter((s) => coverage(q.concepts, s) >= best * VERDICT_COVERAGE).map((s) => affirms(q, s, ctx)));
  // Cited sentences that say both: the verdict the extractive answer read decides.
  const agreed = theirs.size > 1 ? verdictOf(extractiveLead, words, plainNo) === mine : theirs.has(mine);
  return agreed ? null : mine ? "是" : "否";
}

/** What the polarity check reads with: the answer stage's readers, and the plain words for no. */
export interface PolarityContext {
  readonly ctx: KindContext;
  readonly plainNo: readonly string[];
}

/**
 * Where the answer's polarity is not the cited text's: the verdict, and the words it
 * negates or affirms against every cited sentence that names them.
 * @param extractiveLead the extractive answer's lead, whose verdict decides when cited sentences disagree.
 */
export function polarityConflicts(
  answer: string,
  q: AnalysedQuestion,
  cited: CitedText,
  extractiveLead: string,
  check: PolarityContext,
): string[] {
  const { ctx } = check;
  const bad: string[] = [];
  if (q.kind === "yesno") {
    const verdict = verdictConflict(answer, q, cited, extractiveLead, check);
    if (verdict) bad.push(verdict);
  }
  const words = ctx.vocabulary.answerWords;
  const theirs = cited.sentences.flat();
  const checked = new Set([
    ...q.concepts.flatMap((c) => c.alternatives).filter((a) => /^\p{Script=Han}{2,}$/u.test(a)),
    ...negatedWords(answer, words),
    ...negatedWords(cited.all, words),
  ]);
  const mine = sentencesOf(answer);
  for (const word of checked) {
    const w = squash(word);
    const concept = [conceptOf(word)];
    const said = new Set(mine.filter((s) => squash(s).includes(w)).map((s) => negated(s, concept, ctx)));
    if (said.size === 0) continue;
    const cites = new Set(theirs.filter((s) => squash(s).includes(w)).map((s) => negated(s, concept, ctx)));
    if (cites.size > 0 && [...said].some((p) => !cites.has(p))) bad.push(word);
  }
  return bad;
}
