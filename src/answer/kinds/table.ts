/**
 * The question kinds, in the order they are tried: the first whose detect() accepts a
 * question is its kind. Adding a kind is one module and one row here.
 */
import { compare } from "./compare.ts";
import { fact } from "./fact.ts";
import type { KindContext, QuestionKind } from "./kind.ts";
import { list } from "./list.ts";
import { meta } from "./meta.ts";
import { number } from "./number.ts";
import { reference } from "./reference.ts";
import { when } from "./when.ts";
import { who } from "./who.ts";
import { yesno } from "./yesno.ts";
import type { KindName, QuestionDraft } from "../question/analysed-question.ts";

/**
 * Order matters: a list first (有几条提到大赛 counts items, it is not a fact about the
 * document); facts about a document before anything that shares its words (哪天印发 is
 * meta, not when); a comparison before the kind of each part; yes/no before
 * when and number, so "…80%以上，对吗" is a verdict, not a figure; a bare reference and
 * then plain facts last.
 */
export const KINDS: readonly QuestionKind[] = [list, meta, compare, who, yesno, when, number, reference, fact];

const BY_NAME = new Map(KINDS.map((k) => [k.name, k]));

/** The kind module of a name. */
export function kindNamed(name: KindName): QuestionKind {
  return BY_NAME.get(name)!;
}

/** The kind of a question. */
export function detectKind(q: QuestionDraft, ctx: KindContext): KindName {
  return KINDS.find((k) => k.detect(q, ctx))!.name;
}
