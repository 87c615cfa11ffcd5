/**
 * Cutting quotes and leads out of item text: an item's own number is dropped (14.做好… →
 * 做好…), a long sentence is cut to the clauses around the answer, and a lead is the clause
 * that best covers the question.
 */
import { clausesOf, sentencesOf } from "../../text/sentences.ts";
import { coverage, type Concept } from "../question/concepts.ts";

/** Leads and quotes read without the item's own number (14.做好… → 做好…, 第五条 实习… → 实习…). */
export function stripMarker(text: string): string {
  return text.replace(/^(\d{1,5}[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、|第[一二三四五六七八九十百千零〇\d]+条)\s*/, "");
}

/** A sentence without its closing stop, for a lead. */
export function asLead(sentence: string): string {
  return stripMarker(sentence.replace(/[。；]$/, ""));
}

/** A long sentence cut to the clauses around `clause`. */
export function quoteWindow(sentence: string, clause: string, max: number): string {
  if (sentence.length <= max) return stripMarker(sentence);
  const at = sentence.indexOf(clause);
  if (at < 0) return stripMarker(sentence.slice(0, max)) + "…";
  const start = Math.max(0, sentence.lastIndexOf("，", Math.max(0, at - 2)) + 1);
  let end = sentence.indexOf("，", at + clause.length + 1);
  end = end < 0 || end - start > max ? at + clause.length : end;
  return `${start > 0 ? "…" : ""}${sentence.slice(start, end)}${end < sentence.length - 1 ? "…" : sentence.slice(end)}`;
}

/**
 * The clause of a sentence that best answers: most of the question's concepts, and a
 * match of `want` (a figure, a date) when given. Words that only name the document (its
 * title, its section: `context`) do not point at the answer.
 */
export function bestClause(sentence: string, concepts: readonly Concept[], want?: (clause: string) => boolean, context = ""): string {
  const clauses = clausesOf(sentence);
  if (clauses.length <= 1) return asLead(sentence);
  const focus = context ? concepts.filter((c) => coverage([c], context) === 0) : concepts;
  const use = focus.length > 0 ? focus : concepts;
  let best = clauses[0]!;
  let bestScore = -1;
  clauses.forEach((c, i) => {
    const score = coverage(use, c) + (want && want(c) ? 1 : 0) - i * 0.01;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  });
  return stripMarker(best);
}

/** The first sentence of an item, without its number, cut to `max` characters. */
export function opening(text: string, max: number): string {
  const first = stripMarker(sentencesOf(text)[0] ?? text);
  return first.length > max ? first.slice(0, max) + "…" : first;
}
