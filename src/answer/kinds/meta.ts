/**
 * Facts about a circular itself: who issued it, its 文号, its date, whom it is addressed
 * to, what it is based on, whom to contact, when it takes effect, its attachments, and
 * how many items, measures or boxes it has. Answered from the facts ingestion read from
 * the document's layout, citing the text they come from (the cover letter: label null).
 */
import type { ItemKind, ParsedDocument } from "../../corpus/types.ts";
import { META_FACTS, type MetaFact } from "../../lexicon/vocabulary.ts";
import type { CitedItem } from "../compose/citations.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { findDocNumbers } from "../../corpus/document-number.ts";
import { documentFacts, type DocumentFact } from "./document-facts.ts";
import type { Composed, KindContext, QuestionKind } from "./kind.ts";

/** The facts a question asks for, in the order it asks them. */
function factsAsked(q: Pick<AnalysedQuestion, "text">, ctx: KindContext): MetaFact[] {
  const cues = ctx.vocabulary.kinds.meta;
  return META_FACTS.filter((f) => cues[f].some((w) => q.text.includes(w))).sort(
    (a, b) =>
      Math.min(...cues[a].map((w) => q.text.indexOf(w)).filter((i) => i >= 0)) -
      Math.min(...cues[b].map((w) => q.text.indexOf(w)).filter((i) => i >= 0)),
  );
}

/** The document a meta question is about: the one it points at, or names by its number. */
function documentOf(q: AnalysedQuestion, ctx: KindContext): ParsedDocument | null {
  if (q.documents.length === 1) return ctx.documents.get(q.documents[0]!) ?? null;
  return null;
}

/** Which kind of items a count question counts: boxes, attachment items, or the main items. */
function countedKinds(q: AnalysedQuestion): readonly ItemKind[] | null {
  if (/专栏/.test(q.text)) return ["box"];
  if (/附件|日常工作/.test(q.text)) return ["appendix"];
  return null;
}


function countAnswer(q: AnalysedQuestion, doc: ParsedDocument): Composed | null {
  const wanted = countedKinds(q);
  const labelled = doc.items.filter((i) => i.label !== null && i.kind !== "box");
  const main = wanted ? doc.items.filter((i) => wanted.includes(i.kind)) : labelled.filter((i) => i.kind !== "appendix");
  if (main.length === 0) return null;
  const unit = main.every((i) => i.kind === "row") ? "项" : main[0]!.kind === "box" ? "个" : "条";
  const name = main[0]!.kind === "box" ? "专栏" : main[0]!.kind === "appendix" ? "附件所列事项" : "";
  const first = main[0]!;
  const last = main[main.length - 1]!;
  const lead = `《${doc.meta.title}》${name}共${main.length}${unit}（${first.label}–${last.label}）`;
  const items: CitedItem[] = [last, first].filter((x, i, a) => a.indexOf(x) === i).map((item) => ({ item, meta: doc.meta, score: 1 }));
  return {
    refused: false,
    lead,
    evidence: [{ quote: `${last.label} ${last.heading || last.text.split("\n")[0]!.slice(0, 60)}`, citation: 0 }],
    items,
  };
}

export const meta: QuestionKind = {
  name: "meta",
  detect: (q, ctx) => (q.documents.length === 1 || findDocNumbers(q.text).length > 0) && factsAsked(q, ctx).length > 0,
  sentenceFit: () => 0,
  answers: () => false,
  write: () => null,
  compose(q, _search, ctx) {
    const doc = documentOf(q, ctx);
    if (!doc) return null;
    const asked = factsAsked(q, ctx);
    const facts = documentFacts(doc);
    const parts: DocumentFact[] = [];
    const missing: MetaFact[] = [];
    for (const f of asked) {
      if (f === "count") continue;
      const fact = facts[f];
      if (fact) parts.push(fact);
      else missing.push(f);
    }
    if (asked.includes("count")) {
      const counted = countAnswer(q, doc);
      if (counted && parts.length === 0) return counted;
    }
    if (parts.length === 0) {
      // The document does not state it: say so, naming the document.
      return { refused: true, lead: `《${doc.meta.title}》中没有写明${missing.map((m) => FACT_NAMES[m]).join("、")}。`, evidence: [], items: [] };
    }
    const items: CitedItem[] = [];
    const evidence = parts.flatMap((fact) =>
      fact.sources.map(({ order, quote }) => {
        const item = doc.items.find((i) => i.order === order)!;
        let at = items.findIndex((x) => x.item === item);
        if (at < 0) at = items.push({ item, meta: doc.meta, score: 1 }) - 1;
        return { quote, citation: at };
      }),
    );
    const lead =
      parts.map((fact) => fact.value).join("；") + (missing.length > 0 ? `（未写明${missing.map((m) => FACT_NAMES[m]).join("、")}）` : "");
    return { refused: false, lead, evidence, items };
  },
};

/** How a fact is named in a reply. */
const FACT_NAMES: Readonly<Record<MetaFact, string>> = {
  title: "标题",
  implementers: "落实单位",
  issuer: "发文单位",
  docNumber: "文号",
  date: "印发日期",
  addressees: "主送单位",
  public: "公开方式",
  basis: "制定依据",
  contact: "联系人和联系方式",
  effect: "施行日期",
  attachments: "附件",
  count: "条目数",
};
