/**
 * List questions (省财政厅负责哪些任务, 只由省教育厅负责的有哪些, 哪些事要求2020年6月底前,
 * 日常工作里哪些跟验收有关, 二、里面有哪些措施): answered from the structured items, not
 * from search, so the list is exhaustive. The items in scope (the documents, section or
 * item kind the question points at) are filtered by unit and role, by date, and by the
 * topic words left; the answer is the count, then one line per item.
 */
import type { ParsedDocument } from "../../corpus/types.ts";
import { DATE } from "../../text/dates.ts";
import { squash } from "../../text/normalize.ts";
import { keptIn } from "../../util/memo.ts";
import { pushTo } from "../../util/multimap.ts";
import { concat, countShared, intersect } from "../../util/sorted-sets.ts";
import { timeSlicer } from "../../util/time-slice.ts";
import type { SearchResult } from "../../retrieval/hybrid-retriever.ts";
import type { ItemSets } from "../item-sets.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { mentions, type Concept } from "../question/concepts.ts";
import type { KindContext, QuestionKind } from "./kind.ts";

/** A name shaped like a responsible unit: 省卫生健康委, 市教育局, 人民银行某分行. */
const UNIT_NAME = /[省市县区]?[\p{Script=Han}]{1,8}?(委员会|委|厅|局|办|部|中心|政府|分行|公司)(?=负责|参与|牵头|承担|管|的|在|有|作为)/u;

/** The role a unit list question asks about. */
type Role = "only" | "lead" | "any";

function roleOf(q: AnalysedQuestion, ctx: KindContext): Role {
  const w = ctx.vocabulary.answerWords;
  if (w.onlyWords.some((x) => q.text.includes(x))) return "only";
  if (w.leadWords.some((x) => q.text.includes(x))) return "lead";
  return "any";
}

/** Whether the question asks for a list: a list word before an object word, or a unit with 哪些. */
function asksList(q: { text: string; units: readonly string[] }, ctx: KindContext): boolean {
  const k = ctx.vocabulary.kinds;
  const cues = k.list.join("|");
  const objects = k.listObjects.join("|");
  // 哪些任务, 哪几项措施, 哪些主要任务: the list word, a word or two, then what is listed.
  if (new RegExp(`(${cues})[^，。？?、]{0,3}?(${objects})`).test(q.text)) return true;
  // "有几条提到技能大赛" / "提到职教高考的有多少项": a count of the items a topic word names.
  const mentionWords = k.listScopes.filter((w) => /提|写|涉及|说/.test(w)).join("|");
  if (new RegExp(`(几|多少)(条|项).{0,4}(${mentionWords})|(${mentionWords}).{0,12}(几|多少)(条|项)`).test(q.text)) return true;
  // "省财政厅负责哪些" / "城投公司要参与哪几条": a unit in a role, then a list word.
  const roles = k.listScopes.join("|");
  return q.units.length > 0 && new RegExp(`(${roles}).{0,6}(${cues})`).test(q.text);
}

/** A part of a document a question can name: a section (四、优化职业教育社会服务), the attachment, the boxes. */
interface Part {
  readonly names: readonly string[];
  /** The names squashed, as questions are compared. */
  readonly squashed: readonly string[];
  /** Its items' numbers (ItemSets), ascending. */
  readonly items: Uint32Array;
}

/** Each document's parts, worked out once: a list question over the whole corpus reads every document's. */
const partsCache = new WeakMap<ParsedDocument, Part[]>();

/** The named parts of a document, from its layout. */
function partsOf(doc: ParsedDocument, ctx: KindContext): Part[] {
  return keptIn(partsCache, doc, (d) =>
    findParts(d, ctx.appendixNames(d), ctx.itemSets).map((p) => ({ ...p, squashed: p.names.map(squash) })),
  );
}

const labelledCache = new WeakMap<ParsedDocument, Uint32Array>();

/** A document's numbered items' numbers (kept: every list question over the corpus reads them). */
function labelledOf(doc: ParsedDocument, sets: ItemSets): Uint32Array {
  return keptIn(labelledCache, doc, (d) => Uint32Array.from(d.items.filter((i) => i.label !== null), (i) => sets.numberOf(i)));
}

function findParts(doc: ParsedDocument, appendixNames: readonly string[], sets: ItemSets): Omit<Part, "squashed">[] {
  const labelled = labelledOf(doc, sets);
  const parts: Omit<Part, "squashed">[] = [];
  const sections = new Map<string, number[]>();
  for (const n of labelled) {
    const top = sets.item(n).path[0];
    if (top && /^[一二三四五六七八九十]+、/.test(top)) pushTo(sections, top, n);
  }
  for (const [heading, items] of sections) {
    const number = /^([一二三四五六七八九十]+)、/.exec(heading)![1]!;
    parts.push({ names: [heading.replace(/^[一二三四五六七八九十]+、\s*/, ""), `第${number}部分`, `${number}、`], items: Uint32Array.from(items) });
  }
  const appendix = labelled.filter((n) => sets.item(n).kind === "appendix");
  if (appendix.length > 0) parts.push({ names: ["附件", ...appendixNames], items: appendix });
  const boxes = labelled.filter((n) => sets.item(n).kind === "box");
  if (boxes.length > 0) parts.push({ names: ["专栏"], items: boxes });
  return parts;
}

/**
 * Where each part name is used: which documents' parts (document number in the corpus,
 * part number in the document) go by it, so that a question is compared with each
 * distinct name once rather than with every part of every document (a list question
 * over 2,000 circulars did 40,000 comparisons). `titles`: the titles of the documents
 * with numbered items, in corpus order, the scope of a list over the whole corpus.
 */
interface PartDirectory {
  readonly byName: Map<string, { readonly doc: number; readonly part: number }[]>;
  readonly titles: readonly string[];
}

const directories = new WeakMap<KindContext["corpus"], PartDirectory>();

function partDirectory(ctx: KindContext): PartDirectory {
  return keptIn(directories, ctx.corpus, (corpus) => {
    const byName = new Map<string, { doc: number; part: number }[]>();
    const titles: string[] = [];
    corpus.documents.forEach((d, doc) => {
      partsOf(d, ctx).forEach((p, part) => {
        for (const name of new Set(p.squashed)) pushTo(byName, name, { doc, part });
      });
      if (labelledOf(d, ctx.itemSets).length > 0) titles.push(d.meta.title);
    });
    return { byName, titles };
  });
}

/**
 * A list answer shows the items of at most this many documents. A corpus of thousands of
 * circulars has the same list in hundreds of them (every year's 任务清单): one reply of
 * 10,000 lines reads as nothing, on a phone or anywhere.
 */
const LIST_DOCUMENTS = 5;

/**
 * When the matching items lie in more than LIST_DOCUMENTS documents: those of the first
 * LIST_DOCUMENTS, in the order a reader wants them (documents search found, best first,
 * then the newest), and how many documents match; null when they lie in fewer.
 */
function fromFewDocuments(matches: ArrayLike<number>, search: SearchResult, sets: ItemSets): { items: number[]; documents: number } | null {
  const byFile = new Map<string, number[]>();
  for (let i = 0; i < matches.length; i++) pushTo(byFile, sets.documentOf(matches[i]!).file, matches[i]!);
  if (byFile.size <= LIST_DOCUMENTS) return null;
  const found = new Map<string, number>();
  for (const hit of search.items) if (!found.has(hit.item.file)) found.set(hit.item.file, found.size);
  const dateOf = (numbers: readonly number[]) => sets.cited([numbers[0]!])[0]!.meta.date ?? "";
  const order = [...byFile]
    .map(([file, numbers]) => ({ file, numbers, found: found.get(file) ?? Infinity, date: dateOf(numbers) }))
    .sort((a, b) => a.found - b.found || (a.date === b.date ? 0 : a.date < b.date ? 1 : -1) || (a.file < b.file ? -1 : 1));
  return { items: order.slice(0, LIST_DOCUMENTS).flatMap((d) => d.numbers), documents: byFile.size };
}

/** Items in the scope the question points at (ascending numbers): its documents, and the part of them it names. */
function itemsInScope(q: AnalysedQuestion, ctx: KindContext): { items: Uint32Array; named: string[]; titles: readonly string[] } {
  const all = ctx.corpus.documents;
  const inScope = (d: ParsedDocument) => q.documents.length === 0 || q.documents.includes(d.meta.file);
  const text = squash(q.text);
  const directory = partDirectory(ctx);
  // A part named in the question (日常工作, 四、) is the scope, in the documents that have it:
  // in each, the first of its parts with a name the question writes.
  const first = new Map<number, number>();
  for (const [name, uses] of directory.byName) {
    if (!text.includes(name)) continue;
    for (const { doc, part } of uses) {
      const earlier = first.get(doc);
      if (earlier === undefined || part < earlier) first.set(doc, part);
    }
  }
  const parts: Uint32Array[] = [];
  const named: string[] = [];
  const titles = new Set<string>();
  for (const doc of [...first.keys()].sort((a, b) => a - b)) {
    const d = all[doc]!;
    if (!inScope(d)) continue;
    const part = partsOf(d, ctx)[first.get(doc)!]!;
    parts.push(part.items);
    titles.add(d.meta.title);
    named.push(...part.names.filter((_, k) => text.includes(part.squashed[k]!)));
  }
  if (parts.length > 0) return { items: concat(parts), named, titles: [...titles] };
  if (q.documents.length === 0) return { items: ctx.itemSets.labelled(), named, titles: directory.titles };
  const docs = all.filter(inScope);
  for (const d of docs) if (labelledOf(d, ctx.itemSets).length > 0) titles.add(d.meta.title);
  return { items: concat(docs.map((d) => labelledOf(d, ctx.itemSets))), named, titles: [...titles] };
}

/** The scope's titles and named parts, squashed, as concepts are compared with them (kept for the whole corpus's titles). */
const squashedScopes = new WeakMap<readonly string[], string>();

/** Concepts that name the scope (document title words, list words, units), not the topic. */
function topicConcepts(q: AnalysedQuestion, ctx: KindContext, scopeTitles: readonly string[], named: readonly string[]): Concept[] {
  const titles =
    named.length === 0 ? keptIn(squashedScopes, scopeTitles, (t) => squash(t.join(" "))) : squash([...scopeTitles, ...named].join(" "));
  const k = ctx.vocabulary.kinds;
  const scopeWords = new Set([...k.listObjects, ...k.listScopes, ...k.list]);
  return q.concepts.filter(
    (c) =>
      !mentions(c, titles) &&
      !scopeWords.has(c.text) &&
      !ctx.units.findIn(c.text).length &&
      !/^20\d{2}年$/.test(c.text) &&
      c.source !== "english",
  );
}

export const list: QuestionKind = {
  name: "list",
  async warm(ctx) {
    // The item sets, and every document's parts, as a list over the whole corpus reads them.
    await ctx.itemSets.warm();
    const slice = timeSlicer();
    for (const d of ctx.corpus.documents) {
      partsOf(d, ctx);
      if (slice.due()) await slice.pause();
    }
    await slice.pause();
    partDirectory(ctx);
  },
  detect: (q, ctx) => asksList(q, ctx),
  sentenceFit: () => 0,
  answers: () => false,
  write: () => null,
  compose(q, search, ctx) {
    const sets = ctx.itemSets;
    const { items: scope, named, titles } = itemsInScope(q, ctx);
    let matches = scope;
    const said: string[] = [];
    let note = "";
    // A unit the circulars never name as responsible (省卫生健康委) is responsible for nothing in them.
    const unknown = UNIT_NAME.exec(q.text)?.[0];
    if (q.units.length === 0 && unknown && !ctx.units.findIn(unknown).length && !ctx.inCorpus(unknown)) {
      return { refused: true, lead: `文件中没有找到${unknown}负责的事项。`, evidence: [], items: [] };
    }
    // By responsible unit, in the asked role.
    if (q.units.length > 0) {
      const unit = q.units[0]!;
      const role = roleOf(q, ctx);
      const exact = q.excludedUnits.length > 0;
      matches = intersect(matches, sets.namingUnit(unit, exact)).filter((n) => {
        if (role === "only") return sets.soleResponsible(n);
        return !q.excludedUnits.some((u) => ctx.units.listed(sets.item(n).responsible!, u, true));
      });
      // Which unit leads is said only where the document says it; these circulars list units without saying.
      const leadsIn = (n: number) => {
        const lead = sets.item(n).lead;
        return !!lead && ctx.units.canonical(lead) === unit;
      };
      const leads = role === "lead" && matches.some(leadsIn);
      if (leads) matches = matches.filter(leadsIn);
      said.push(`${unit}${role === "only" ? "单独负责" : leads ? "牵头" : "负责或参与"}`);
      if (role === "lead" && !leads) note = "（文件未注明牵头单位）";
    }
    // By a date written in the question (2020年6月底前), or a year no document is dated (2025年, a target).
    const date = DATE.exec(q.text)?.[0]?.replace(/^(到|至|自|从)/, "");
    const docYears = new Set(ctx.corpus.documents.map((d) => d.meta.year));
    const target = q.years.find((y) => !docYears.has(y));
    const phrase = date && /月|底|前/.test(date) ? date : target !== undefined ? `${target}年` : null;
    if (phrase) {
      matches = sets.writing(phrase, matches);
      said.push(`写明“${phrase}”`);
    }
    // By the topic words left (现场工程师学院, 验收, 中期检查), in the items and their headings,
    // when nothing above narrowed the list; words most items in scope have (进行, 工作)
    // narrow nothing. Each concept's items are found among the scope's alone (see mentioning).
    const mentionedInScope = new WeakMap<Concept, Uint32Array>();
    const mentioned = (c: Concept) => keptIn(mentionedInScope, c, (k) => sets.mentioning(k, scope));
    const common = (c: Concept) => mentioned(c).length >= Math.max(2, scope.length / 2);
    const topic = said.length === 0 ? topicConcepts(q, ctx, titles, named).filter((c) => !common(c)) : [];
    if (topic.length > 0) {
      const found = topic.filter((c) => countShared(matches, mentioned(c)) > 0);
      if (found.length === 0) return null;
      for (const c of found) matches = intersect(matches, mentioned(c));
      said.push(`提到${found.map((c) => c.text).join("、")}`);
    }
    if (named.length > 0 && said.length === 0) said.push(`${named[0]}中`);
    // "《…》提出了哪些主要任务": one document and nothing else to filter by lists its main items.
    let whole: string | null = null;
    if (said.length === 0 && q.documents.length === 1 && topic.length === 0) {
      whole = `《${ctx.documents.get(q.documents[0]!)!.meta.title}》`;
      matches = scope.filter((n) => sets.item(n).kind !== "appendix" && sets.item(n).kind !== "box");
    }
    if (said.length === 0 && !whole) return null;
    if (matches.length === 0) {
      return { refused: true, lead: `文件中没有找到${said.join("、")}的事项。`, evidence: [], items: [] };
    }
    // Years named in the question narrow nothing further: they chose the documents.
    const kind = matches.every((n) => sets.item(n).kind === "row") ? "项" : "条";
    const lead = whole ? `${whole}共${matches.length}${kind}` : `${said.join("、")}的共${matches.length}${kind}${note}`;
    const shown = fromFewDocuments(matches, search, sets);
    if (!shown) return { refused: false, listed: true, lead, evidence: [], items: sets.cited(matches) };
    const more = `，在${shown.documents}份文件中；下面是其中${LIST_DOCUMENTS}份的${shown.items.length}${kind}（问题里写明文件名称，可以只看那一份）`;
    return { refused: false, listed: true, lead: lead + more, evidence: [], items: sets.cited(shown.items) };
  },
};
