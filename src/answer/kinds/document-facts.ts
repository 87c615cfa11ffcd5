/**
 * The facts about a circular the meta kind answers with, as a reader sees them, each
 * with the items and exact text it was read from (so the answer quotes and cites it).
 * Ingestion derives the facts from the layout (DocumentMeta.facts); this module only
 * words them.
 */
import type { Fact, ParsedDocument } from "../../corpus/types.ts";
import type { MetaFact } from "../../lexicon/vocabulary.ts";

/** One fact as the answer words it, and where in the document it stands. */
export interface DocumentFact {
  readonly value: string;
  readonly sources: readonly { readonly order: number; readonly quote: string }[];
}

export type DocumentFactSet = Partial<Record<MetaFact, DocumentFact>>;

const PUBLICITY: Readonly<Record<string, string>> = { public: "公开", "on-request": "依申请公开", "not-public": "不予公开" };

function written(iso: string): string {
  const [y, m, d] = iso.split("-").map(Number);
  return d ? `${y}年${m}月${d}日` : `${y}年${m}月`;
}

function of<T>(facts: readonly Fact<T>[], word: (values: T[]) => string): DocumentFact | undefined {
  if (facts.length === 0) return undefined;
  const sources = facts
    .map((f) => ({ order: f.source.order, quote: f.source.quote }))
    .filter((s, i, a) => a.findIndex((x) => x.quote === s.quote) === i);
  return { value: word(facts.map((f) => f.value)), sources };
}

/** Attachments by title, and the items of an attachment the document lists (日常工作, 附件1–附件40), first item cited first. */
function attachmentsOf(doc: ParsedDocument): DocumentFact | undefined {
  const f = doc.meta.facts!;
  const listed = doc.items.filter((i) => i.kind === "appendix");
  const titles = of(f.attachments, (vs) => vs.map((a) => `${a.number !== null ? `附件${a.number}：` : ""}${a.title}`).join("；"));
  if (!titles || listed.length === 0) return titles;
  const first = listed[0]!;
  const last = listed[listed.length - 1]!;
  return {
    value: `${titles.value}，共${listed.length}项（${first.label}–${last.label}）`,
    sources: [
      { order: first.order, quote: first.text.split("\n")[0]! },
      ...titles.sources,
      { order: last.order, quote: last.text.split("\n")[0]! },
    ],
  };
}

/** The facts of a document that ingestion found. */
export function documentFacts(doc: ParsedDocument): DocumentFactSet {
  const f = doc.meta.facts;
  if (!f) return {};
  const one = <T>(fact: Fact<T> | null) => (fact ? [fact] : []);
  // The title stands in the cover letter with the number, or in the first unnumbered text that has it.
  const titled = doc.items.find((i) => i.label === null && i.text.includes(doc.meta.title));
  const out: DocumentFactSet = {
    title: titled
      ? {
          value: `《${doc.meta.title}》${f.docNumber ? `（${f.docNumber.value}）` : ""}`,
          sources: [{ order: titled.order, quote: doc.meta.title }],
        }
      : undefined,
    issuer: of(one(f.issuer), ([v]) => v!),
    docNumber: of(one(f.docNumber), ([v]) => v!),
    // Signed on one day and sent out by an office on another: both answer "哪天发的", the sending first.
    date: of<unknown>([...one(f.printed), ...one(f.date)], () => {
      const signed = f.date ? `${written(f.date.value)}${f.issuer ? `（${f.issuer.value}${f.printed ? "落款" : "印发"}）` : ""}` : "";
      return f.printed ? `${written(f.printed.value.date)}${f.printed.value.office}印发${signed ? `；${signed}` : ""}` : signed;
    }),
    addressees: of(one(f.addressees), ([v]) => v!.join("，")),
    // Who is to carry a circular out: those it is addressed to (现将…印发给你们，请认真贯彻执行).
    implementers: of(one(f.addressees), ([v]) => `印发给${v!.join("，")}贯彻落实`),
    public: of(one(f.publicity), ([v]) => `${PUBLICITY[v!] ?? v}（${f.publicity!.source.quote}）`),
    basis: of(f.basis, (vs) => vs.map((b) => `《${b.title}》${b.docNumber ? `（${b.docNumber}）` : ""}`).join("、")),
    contact: of([...one(f.contactOffice), ...one(f.contactPerson), ...one(f.contactPhone)], (vs) => vs.join("，")),
    effect: of(one(f.effective), ([v]) =>
      v!.onIssue ? "自发布之日起实施" : v!.from ? `自${written(v!.from)}起施行` : f.effective!.source.quote,
    ),
    attachments: attachmentsOf(doc),
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined)) as DocumentFactSet;
}
