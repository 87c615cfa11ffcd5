/**
 * Explicit references in a question ("2023年要点第7条", "任务清单第33项", "三（二）2",
 * "专栏1") are resolved directly, without search: the named item goes first.
 */
import { labelKey, parseChineseNumber } from "../corpus/numbering.ts";
import type { Corpus, Item, ParsedDocument } from "../corpus/types.ts";

const CN = "[一二三四五六七八九十]+";
// Longest forms first: a nested path, then boxes and attachments, then 第N条/项.
const REFERENCE_PATTERNS: readonly RegExp[] = [
  new RegExp(`(${CN})[、，]?[（(](${CN})[）)]\\s*(\\d{1,2})\\s*[.．、]?`, "u"),
  new RegExp(`(${CN})[、，]?[（(](${CN})[）)]`, "u"),
  /专栏\s*(\d{1,2})/u,
  /附件\s*(\d{1,3})\s*[项条]?/u,
  new RegExp(`第\\s*(\\d{1,3}|${CN})\\s*[条项]`, "u"),
];

/** The question without the words that name an item (so they are not taken for its topic). */
export function stripReference(question: string): string {
  for (const pattern of REFERENCE_PATTERNS) if (pattern.test(question)) return question.replace(pattern, " ");
  return question;
}

/** The label-like text a question names, in canonical key form (CONTRACT §2), or null. */
export function referencedLabel(question: string): string | null {
  for (const [i, pattern] of REFERENCE_PATTERNS.entries()) {
    const m = pattern.exec(question);
    if (!m) continue;
    switch (i) {
      case 0:
        return labelKey(`${m[1]}${m[2]}${m[3]}`);
      case 1:
        return labelKey(`${m[1]}${m[2]}`);
      case 2:
        return `专栏${m[1]}`;
      case 3:
        return `附件${m[1]}`;
      default: {
        const n = /^\d+$/.test(m[1]!) ? Number(m[1]) : parseChineseNumber(m[1]!);
        return Number.isFinite(n) ? String(n) : null;
      }
    }
  }
  return null;
}

/** Chinese character bigrams (digits are left to the year check). */
function bigramSet(text: string): Set<string> {
  const chars = [...text.replace(/[^\u4e00-\u9fff]/g, "")];
  const out = new Set<string>();
  for (let i = 0; i + 1 < chars.length; i++) out.add(chars[i]! + chars[i + 1]!);
  return out;
}

/** A document's title bigrams and year, computed once per document (every question looks at every document). */
const titleFacts = new WeakMap<ParsedDocument, { readonly bigrams: readonly string[]; readonly year: number }>();
/** The last question's bigrams and text with full years: one question is compared with every document in turn. */
let lastQuestion: { readonly question: string; readonly years: string; readonly bigrams: Set<string> } | undefined;

/** Per corpus, label key → the first item with that label in each document (built on first use). */
const labelIndexes = new WeakMap<Corpus, Map<string, { doc: ParsedDocument; item: Item }[]>>();

function labelIndex(corpus: Corpus): Map<string, { doc: ParsedDocument; item: Item }[]> {
  let index = labelIndexes.get(corpus);
  if (!index) {
    index = new Map();
    for (const doc of corpus.documents) {
      const seen = new Set<string>();
      for (const item of doc.items) {
        if (item.label === null) continue;
        const key = labelKey(item.label);
        if (seen.has(key)) continue;
        seen.add(key);
        const list = index.get(key) ?? [];
        list.push({ doc, item });
        index.set(key, list);
      }
    }
    labelIndexes.set(corpus, index);
  }
  return index;
}

/** Per corpus, documents by title bigram and by year (built on first use). */
const affinityIndexes = new WeakMap<Corpus, { byBigram: Map<string, ParsedDocument[]>; byYear: Map<number, ParsedDocument[]> }>();

/**
 * {@link documentAffinity} of every document the question points at (the others score 0),
 * found through the titles' bigrams and years rather than by asking every document.
 */
export function documentAffinities(question: string, corpus: Corpus): Map<ParsedDocument, number> {
  let index = affinityIndexes.get(corpus);
  if (!index) {
    index = { byBigram: new Map(), byYear: new Map() };
    for (const doc of corpus.documents) {
      for (const b of titleFactsOf(doc).bigrams) (index.byBigram.get(b) ?? index.byBigram.set(b, []).get(b)!).push(doc);
      const year = titleFactsOf(doc).year;
      if (Number.isFinite(year)) (index.byYear.get(year) ?? index.byYear.set(year, []).get(year)!).push(doc);
    }
    affinityIndexes.set(corpus, index);
  }
  const q = questionFacts(question);
  const out = new Map<ParsedDocument, number>();
  for (const b of q.bigrams) for (const doc of index.byBigram.get(b) ?? []) out.set(doc, (out.get(doc) ?? 0) + 1);
  for (const [year, docs] of index.byYear) if (q.years.includes(`${year}`)) for (const doc of docs) out.set(doc, (out.get(doc) ?? 0) + 3);
  return out;
}

function questionFacts(question: string): { readonly years: string; readonly bigrams: Set<string> } {
  if (lastQuestion?.question !== question) {
    const years = question.replace(/(?<!\d)(\d{2})年/g, "20$1年");
    lastQuestion = { question, years, bigrams: bigramSet(years) };
  }
  return lastQuestion;
}

function titleFactsOf(doc: ParsedDocument): { readonly bigrams: readonly string[]; readonly year: number } {
  let facts = titleFacts.get(doc);
  if (!facts) {
    facts = { bigrams: [...bigramSet(doc.meta.title)], year: doc.meta.year ?? Number(/(\d{4})年/.exec(doc.meta.title)?.[1] ?? NaN) };
    titleFacts.set(doc, facts);
  }
  return facts;
}

/** How strongly a question points at a document: shared title bigrams, and its year. */
export function documentAffinity(question: string, doc: ParsedDocument): number {
  const q = questionFacts(question);
  const facts = titleFactsOf(doc);
  let shared = 0;
  for (const b of facts.bigrams) if (q.bigrams.has(b)) shared++;
  const yearHit = Number.isFinite(facts.year) && q.years.includes(`${facts.year}`) ? 3 : 0;
  return shared + yearHit;
}

/**
 * Resolves an explicit reference to one item: the label must exist, and when several
 * documents have it, the question must point at one of them (title words or year).
 */
export function resolveReference(question: string, corpus: Corpus): Item | null {
  const key = referencedLabel(question);
  if (!key) return null;
  const candidates = labelIndex(corpus).get(key) ?? [];
  if (candidates.length === 0) return null;
  if (candidates.length === 1) return candidates[0]!.item;
  const scored = candidates.map((c) => ({ ...c, affinity: documentAffinity(question, c.doc) })).sort((a, b) => b.affinity - a.affinity);
  return scored[0]!.affinity >= 2 && scored[0]!.affinity > scored[1]!.affinity ? scored[0]!.item : null;
}
