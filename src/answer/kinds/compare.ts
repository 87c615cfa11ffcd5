/**
 * Comparisons (21年和23年有啥不一样, 清单和23年要点分别怎么安排): each side (a year, or a
 * document the question names) is answered from its own documents, the newer first, each
 * with its citation. A side the documents do not speak to is said to be missing.
 */
import type { SearchResult } from "../../retrieval/hybrid-retriever.ts";
import { bestClause, quoteWindow } from "../compose/quotes.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { contextOf, MAX_QUOTE_CHARS } from "./fact.ts";
import type { Candidate, KindContext, QuestionKind } from "./kind.ts";

/** One side of a comparison: a name and the documents it covers. */
interface Side {
  readonly name: string;
  readonly files: readonly string[];
  /** For ordering: newer first. */
  readonly year: number;
}

function sidesOf(q: AnalysedQuestion, ctx: KindContext): Side[] {
  const docs = [...ctx.documents.values()];
  if (q.years.length >= 2) {
    return q.years
      .map((y) => {
        const own = docs.filter((d) => d.meta.year === y).map((d) => d.meta.file);
        const pointed = own.filter((f) => q.mentioned.includes(f));
        return { name: `${y}年`, files: pointed.length > 0 ? pointed : own, year: y };
      })
      .filter((s) => s.files.length > 0);
  }
  if (q.mentioned.length >= 2) {
    return q.mentioned.map((f) => {
      const meta = ctx.documents.get(f)!.meta;
      return { name: `《${meta.title}》`, files: [f], year: meta.year ?? 0 };
    });
  }
  return [];
}

export const compare: QuestionKind = {
  name: "compare",
  detect: (q, ctx) =>
    (q.years.length >= 2 || q.mentioned.length >= 2) &&
    (ctx.vocabulary.kinds.compare.some((w) => q.text.includes(w)) || /和|与|跟|、/.test(q.text)),
  sentenceFit: () => 1,
  answers: () => true,
  write: () => null,
  compose(q, search, ctx, decide) {
    const sides = sidesOf(q, ctx).sort((a, b) => b.year - a.year);
    if (sides.length < 2) return null;
    const picks: { side: Side; c: Candidate }[] = [];
    for (const side of sides) {
      const own: SearchResult = { ...search, items: search.items.filter((s) => side.files.includes(s.item.file)) };
      const { best } = decide({ ...q, kind: "fact" }, own);
      if (best) picks.push({ side, c: best });
    }
    if (picks.length === 0) return null;
    const missing = sides.filter((s) => !picks.some((p) => p.side === s)).map((s) => `${s.name}未提及`);
    const lead = [
      ...picks.map((p) => `${p.side.name}：${bestClause(p.c.sentence, q.concepts, undefined, contextOf(p.c))}`),
      ...missing,
    ].join("；");
    const evidence = picks.map((p, i) => ({
      quote: quoteWindow(p.c.sentence, bestClause(p.c.sentence, q.concepts), MAX_QUOTE_CHARS),
      citation: i,
    }));
    return { refused: false, lead, evidence, items: picks.map((p) => p.c.hit) };
  },
};
