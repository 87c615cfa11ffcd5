/**
 * What the answer-or-refuse decision looks at for one candidate: how search ranked it,
 * how much of the question it covers (by concept weight and by character pairs), what
 * of the question is missing from it or from the whole corpus, conflicts (another year,
 * level, place or plan period), how well it fits the kind, and the kind itself.
 */
import { squash } from "../../text/normalize.ts";
import { bigramSet } from "../../text/bigrams.ts";
import type { Contrasts } from "../contrasts.ts";
import type { Candidate } from "../kinds/kind.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { mentions } from "../question/concepts.ts";

/** The features, in the order the model file stores their weights. */
export const FEATURES = [
  "rankRecip",
  "scoreRatio",
  "itemCoverage",
  "sentenceCoverage",
  "pairCoverage",
  "absentShare",
  "missingShare",
  "heaviestMissing",
  "conflictItem",
  "conflictSentence",
  "placeAbsent",
  "fit",
  "referenced",
  "docMatch",
  "docMismatch",
  "yearMismatch",
  "kindWho",
  "kindNumber",
  "kindWhen",
  "kindYesno",
] as const;
export type FeatureName = (typeof FEATURES)[number];
export type Features = Readonly<Record<FeatureName, number>>;

/** What features need from the corpus: how many items hold a text, and how many items there are. */
export interface FeatureStats {
  readonly df: (term: string) => number;
  readonly total: number;
}

/** Share of the question's character pairs (weighted by rarity) the item holds. */
function pairCoverage(question: string, itemText: string, stats: FeatureStats): number {
  const text = squash(itemText);
  let total = 0;
  let found = 0;
  for (const p of bigramSet(question)) {
    const df = stats.df(p);
    if (df === 0) continue; // a pair no item has says nothing about this one
    const w = Math.log(1 + stats.total / df);
    total += w;
    if (text.includes(p)) found += w;
  }
  return total === 0 ? 0 : found / total;
}

export function featuresOf(q: AnalysedQuestion, c: Candidate, topScore: number, contrasts: Contrasts, stats: FeatureStats): Features {
  const item = c.hit.item;
  const context = squash([c.hit.meta.title, ...item.path, item.text].join(" "));
  const own = squash([...item.path, item.text].join(" "));
  const total = q.concepts.reduce((s, k) => s + k.weight, 0) || 1;
  const absent = q.concepts.filter((k) => !k.inCorpus).reduce((s, k) => s + k.weight, 0) / total;
  const missingList = q.concepts.filter((k) => k.inCorpus && !mentions(k, context));
  const missing = missingList.reduce((s, k) => s + k.weight, 0) / total;
  const heaviest = [...q.concepts].filter((k) => k.inCorpus).sort((a, b) => b.weight - a.weight)[0];
  const docYear = c.hit.meta.year;
  const yearMismatch =
    q.years.length > 0 && !q.years.some((y) => docYear === y || own.includes(`${y}年`)) && !q.years.every((y) => y < 2019) ? 1 : 0;
  return {
    rankRecip: 1 / (1 + c.rank),
    scoreRatio: topScore > 0 ? c.hit.score / topScore : 0,
    itemCoverage: c.itemCoverage,
    sentenceCoverage: c.sentenceCoverage,
    pairCoverage: pairCoverage(squash(q.text), context, stats),
    absentShare: absent,
    missingShare: missing,
    heaviestMissing: heaviest && !mentions(heaviest, context) ? 1 : 0,
    conflictItem: contrasts.conflicts(q.text, own, "item") ? 1 : 0,
    conflictSentence: contrasts.conflicts(q.text, c.sentence) ? 1 : 0,
    placeAbsent: q.places.some((p) => !p.inCorpus) ? 1 : 0,
    fit: c.fit,
    referenced: c.hit.referenced ? 1 : 0,
    docMatch: q.documents.includes(item.file) ? 1 : 0,
    docMismatch: q.documents.length > 0 && !q.documents.includes(item.file) ? 1 : 0,
    yearMismatch,
    kindWho: q.kind === "who" ? 1 : 0,
    kindNumber: q.kind === "number" ? 1 : 0,
    kindWhen: q.kind === "when" ? 1 : 0,
    kindYesno: q.kind === "yesno" ? 1 : 0,
  };
}
