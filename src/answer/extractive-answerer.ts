/**
 * Extractive answers: no model, no network. From the top items it picks the sentences
 * that answer, leads with what was asked (units, figure, date, yes/no), quotes the
 * evidence and cites document and item. When no passage covers the question, it says
 * the documents do not answer it and offers at most two nearest items, never as sources.
 */
import type { Corpus, DocumentMeta, Item } from "../corpus/types.ts";
import type { ScoredItem, SearchResult } from "../retrieval/hybrid-retriever.ts";
import { questionShape } from "../retrieval/question-shape.ts";
import { documentAffinity, stripReference } from "../retrieval/references.ts";
import { coverage, type Concept, type ConceptExtractor } from "./question-concepts.ts";
import { readableLabel, renderAnswerText } from "./render-answer.ts";
import { clausesOf, DATE, FIGURE, sentencesOf } from "./sentences.ts";
import type { Answer, Citation, Evidence, QuestionShape, RetrievedRef } from "./types.ts";
import type { UnitNames } from "./unit-names.ts";
import type { Contrasts } from "./contrasts.ts";
import { readIndicatorRow } from "./indicator-rows.ts";
import { WORDING } from "../wording/wording.ts";

/** Thresholds of the refusal decision, calibrated on the dev set as a whole (scripts/calibrate-refusal.ts). */
export const ANSWER_DEFAULTS = {
  /** Share of the question's concept weight the cited item must cover. */
  minItemCoverage: 0.55,
  /** Share the quoted sentence must cover. */
  minSentenceCoverage: 0.3,
  /** How many top items are read for sentences. */
  readItems: 6,
  /** Extra citations must cover at least this share of what the best one covers. */
  extraCitationShare: 0.9,
  /** Quotes longer than this are cut to the clauses around the answer. */
  maxQuoteChars: 120,
  maxCitations: 3,
  refusalText: WORDING.refusal,
} as const;

export type AnswerOptions = { -readonly [K in keyof typeof ANSWER_DEFAULTS]: (typeof ANSWER_DEFAULTS)[K] extends string ? string : number };

interface Candidate {
  readonly hit: ScoredItem;
  readonly rank: number;
  readonly sentence: string;
  readonly sentenceCoverage: number;
  readonly itemCoverage: number;
  /** Ranks items: how well this sentence and its item answer. */
  readonly score: number;
  /** Ranks sentences within an item for quoting: an item's bare heading quotes poorly. */
  readonly quoteScore: number;
}

/** What the answerer needs besides the question. */
export interface AnswerContext {
  readonly corpus: Corpus;
  readonly units: UnitNames;
  readonly concepts: ConceptExtractor;
  readonly contrasts: Contrasts;
}

/** What the answer stage wrote, before timings are added. */
export type DraftAnswer = Omit<Answer, "timings" | "turn">;

function toCitation(hit: Pick<ScoredItem, "item" | "meta" | "score">): Citation {
  return {
    file: hit.item.file,
    item: hit.item.label,
    title: hit.meta.title,
    docNumber: hit.meta.docNumber,
    date: hit.meta.date,
    kind: hit.item.kind,
    text: hit.item.text,
    score: Number(hit.score.toFixed(4)),
  };
}

function contextText(hit: Pick<ScoredItem, "item" | "meta">): string {
  return [hit.meta.title, ...hit.item.path, hit.item.text].join(" ");
}

/** The item with its headings but not the document title (which names the plan period, 十四五, of every item). */
function itemText(hit: Pick<ScoredItem, "item">): string {
  return [...hit.item.path, hit.item.text].join(" ");
}

function shapeBonus(shape: QuestionShape, sentence: string, item: Item): number {
  switch (shape) {
    case "number":
      return FIGURE.test(sentence) ? 0.15 : /\d/.test(sentence) ? 0.05 : 0;
    case "when":
      return DATE.test(sentence) ? 0.15 : 0;
    case "who":
      return item.responsible ? 0.05 : 0;
    default:
      return 0;
  }
}

/** Leads and quotes read without the item's own number (14.做好… → 做好…). */
function stripMarker(text: string): string {
  return text.replace(/^(\d{1,3}[.．、]|[（(][一二三四五六七八九十]+[）)]|[一二三四五六七八九十]+、)\s*/, "");
}

/** A long sentence cut to the clauses around the one that answers. */
function quoteWindow(sentence: string, clause: string, max: number): string {
  if (sentence.length <= max) return stripMarker(sentence);
  const at = sentence.indexOf(clause);
  if (at < 0) return stripMarker(sentence.slice(0, max)) + "…";
  const start = Math.max(0, sentence.lastIndexOf("，", Math.max(0, at - 2)) + 1);
  let end = sentence.indexOf("，", at + clause.length + 1);
  end = end < 0 || end - start > max ? at + clause.length : end;
  return `${start > 0 ? "…" : ""}${sentence.slice(start, end)}${end < sentence.length - 1 ? "…" : sentence.slice(end)}`;
}

/** The clause of a sentence that best answers, for a short lead. */
function bestClause(sentence: string, concepts: readonly Concept[], want?: RegExp, context = ""): string {
  const clauses = clausesOf(sentence);
  if (clauses.length <= 1) return stripMarker(sentence.replace(/[。；]$/, ""));
  // Words that only name the document (its title, its section) do not point at the answer.
  const focus = context ? concepts.filter((c) => coverage([c], context) === 0) : concepts;
  if (focus.length > 0) concepts = focus;
  let best = clauses[0]!;
  let bestScore = -1;
  clauses.forEach((c, i) => {
    const score = coverage(concepts, c) + (want && want.test(c) ? 1 : 0) - i * 0.01;
    if (score > bestScore) {
      best = c;
      bestScore = score;
    }
  });
  return stripMarker(best);
}

/** A city, county or district name. */
const PLACE = /^\p{Script=Han}{2,}[市县区]$/u;

/** A document number such as 鲁教师字〔2022〕5号. */
const DOC_NUMBER = /[〔[]\d{4}[〕\]]\d+号/;

/** How many points an item enumerates as （1）（2）… in order, or 0. */
function enumeratedPoints(text: string): number {
  let n = 0;
  while (text.includes(`（${n + 1}）`) || text.includes(`(${n + 1})`)) n++;
  return n;
}

/** The modal verb of a yes/no question; what follows it is the action asked about. */
const YESNO_VERB = /能否|可不可以|能不能|可以|允许|要不要|需要|需不需要|是否|是不是|会不会|有没有|能|要|会/;

/**
 * True when the sentence speaks of the action a yes/no question asks about: at least one
 * concept written after the question's modal verb is found in it (or the question has no
 * such verb, or nothing after it).
 */
function predicateCovered(question: string, concepts: readonly Concept[], sentence: string): boolean {
  const verb = YESNO_VERB.exec(question);
  if (!verb) return true;
  const after = question.slice(verb.index + verb[0].length);
  const predicate = concepts.filter((c) => after.includes(c.text));
  return predicate.length === 0 || coverage(predicate, sentence) > 0;
}

/** 可以 / 要 / 是 … taken from the question's own verb, or 不 when the rule forbids. */
function polarity(question: string, sentence: string): string {
  if (/不得|禁止|严禁|不允许|不能|不可|不予|不纳入/.test(sentence) && !/不得低于|不少于|不低于/.test(sentence)) return "不";
  const verb = /(能否|可不可以|可以|能不能|能|要不要|要|是否|是不是|是|包括|有没有|有|会)/.exec(question)?.[1] ?? "是";
  const map: Record<string, string> = { 能否: "能", 可不可以: "可以", 能不能: "能", 要不要: "要", 是否: "是", 是不是: "是", 有没有: "有" };
  return map[verb] ?? verb;
}

export class ExtractiveAnswerer {
  private readonly options: AnswerOptions;
  private readonly itemsByFile = new Map<string, { meta: DocumentMeta; items: readonly Item[] }>();

  constructor(
    private readonly ctx: AnswerContext,
    options: Partial<AnswerOptions> = {},
  ) {
    this.options = { ...ANSWER_DEFAULTS, ...options };
    for (const d of ctx.corpus.documents) this.itemsByFile.set(d.meta.file, { meta: d.meta, items: d.items });
  }

  /** Answers from a search result; `retrieved` is what the retriever ranked. */
  answer(question: string, search: SearchResult): DraftAnswer {
    const retrieved: RetrievedRef[] = search.items.slice(0, 10).map((s) => ({ file: s.item.file, item: s.item.label, score: Number(s.score.toFixed(4)), text: s.item.text }));
    const referenced = search.items.find((s) => s.referenced);
    // "任务清单第33项": the item is named; what else the question says is its topic.
    const concepts = referenced
      ? this.ctx.concepts.extract(stripReference(question)).filter((c) => coverage([c], referenced.meta.title) === 0)
      : this.ctx.concepts.extract(question);
    const shape: QuestionShape = referenced && concepts.length <= 1 ? "reference" : questionShape(question);

    if (shape === "reference" && referenced) return this.referenceAnswer(question, referenced, retrieved);
    if (shape === "list") {
      const list = this.listAnswer(question, concepts, search, retrieved);
      if (list) return list;
    }
    if (shape === "compare") {
      const compared = this.compareAnswer(question, concepts, search, retrieved);
      if (compared) return compared;
    }
    const issued = this.issueDateAnswer(question, concepts, search, retrieved);
    if (issued) return issued;
    return this.sentenceAnswer(question, shape, concepts, search, retrieved);
  }

  private candidates(concepts: readonly Concept[], shape: QuestionShape, hits: readonly ScoredItem[], question = ""): Candidate[] {
    const out: Candidate[] = [];
    hits.slice(0, this.options.readItems).forEach((hit, rank) => {
      const itemCoverage = coverage(concepts, contextText(hit));
      // An item about 十三五 results as a whole does not answer a question about 十四五 targets.
      const itemConflict = question !== "" && this.ctx.contrasts.conflicts(question, itemText(hit), "item");
      const sentences = sentencesOf(hit.item.text);
      for (const [i, sentence] of sentences.entries()) {
        const sentenceCoverage = coverage(concepts, sentence);
        // An item's heading names the topic; the sentences after it hold the answer.
        const isHeading = i === 0 && sentences.length > 1 && hit.item.heading !== "" && sentence.length <= hit.item.heading.length + 6;
        // A sentence about 国家级 when 省级 was asked (or 2021年 when 2023年 was) does not answer.
        const conflict = question !== "" && (this.ctx.contrasts.conflicts(question, sentence) || itemConflict) ? 0.5 : 0;
        const score = 0.55 * sentenceCoverage + 0.45 * itemCoverage + shapeBonus(shape, sentence, hit.item) - 0.04 * rank + (hit.referenced ? 0.5 : 0) - conflict;
        const quoteScore = sentenceCoverage * (isHeading ? 0.6 : 1) + shapeBonus(shape, sentence, hit.item) - conflict;
        out.push({ hit, rank, sentence, sentenceCoverage, itemCoverage, score, quoteScore });
      }
    });
    return out.sort((a, b) => b.score - a.score || a.rank - b.rank);
  }

  private refusal(question: string, shape: QuestionShape, search: SearchResult, retrieved: RetrievedRef[]): DraftAnswer {
    const related = search.items.slice(0, 2).map(toCitation);
    const lead = this.options.refusalText;
    return {
      question,
      shape,
      refused: true,
      lead,
      evidence: [],
      citations: [],
      related,
      text: renderAnswerText({ lead, evidence: [], citations: [], related, refused: true }),
      retrieved,
      via: "extractive",
    };
  }

  private finish(question: string, shape: QuestionShape, lead: string, evidence: Evidence[], hits: readonly Pick<ScoredItem, "item" | "meta" | "score">[], retrieved: RetrievedRef[]): DraftAnswer {
    const citations = hits.map(toCitation);
    const years = new Set(citations.map((c) => c.date?.slice(0, 4)).filter(Boolean));
    let fullLead = lead;
    if (years.size > 1 && shape !== "compare" && shape !== "list") {
      const newest = [...citations].filter((c) => c.date).sort((a, b) => b.date!.localeCompare(a.date!))[0]!;
      fullLead += `（较新：${newest.date!.slice(0, 4)}年《${newest.title}》）`;
    }
    return {
      question,
      shape,
      refused: false,
      lead: fullLead,
      evidence,
      citations,
      related: [],
      text: renderAnswerText({ lead: fullLead, evidence, citations, related: [], refused: false }),
      retrieved,
      via: "extractive",
    };
  }

  private sentenceAnswer(question: string, shape: QuestionShape, concepts: readonly Concept[], search: SearchResult, retrieved: RetrievedRef[]): DraftAnswer {
    const o = this.options;
    const ranked = this.candidates(concepts, shape, search.items, question);
    const top = ranked[0];
    // The best item is chosen on its best sentence; the quote is the item's most quotable one.
    const best = top && ranked.filter((c) => c.hit === top.hit).sort((a, b) => b.quoteScore - a.quoteScore)[0];
    // A question whose only content is a number or one letter ("1", or "alert(1)" once unknown English is dropped) names no topic to answer.
    const topical = concepts.some((c) => [...c.text].length >= 2 && !/^[\d.%]+$/.test(c.text));
    if (!top || !best || concepts.length === 0 || !(topical || top.hit.referenced)) return this.refusal(question, shape, search, retrieved);
    const answers =
      top.hit.referenced ||
      (!this.ctx.contrasts.conflicts(question, best.sentence) &&
        !this.ctx.contrasts.conflicts(question, itemText(top.hit), "item") &&
        // A place the circulars never name (济南市) is not answered by a rule for every city.
        !concepts.some((c) => !c.inCorpus && PLACE.test(c.text)) &&
        // A yes/no verdict needs the asked action (能收费吗 → 收费) in what is quoted.
        !(shape === "yesno" && !predicateCovered(question, concepts, best.sentence)) &&
        top.itemCoverage >= o.minItemCoverage &&
        top.sentenceCoverage >= o.minSentenceCoverage &&
        // A figure or date question needs a figure or date in what is quoted.
        !(shape === "number" && !/\d|[一二三四五六七八九十百]+(个|所|倍|名|项|条)/.test(best.sentence)) &&
        !(shape === "when" && !DATE.test(best.sentence)));
    if (!answers) return this.refusal(question, shape, search, retrieved);

    // Other items that answer as well as the best one are cited too (most relevant first).
    const chosen: Candidate[] = [best];
    for (const c of ranked) {
      if (chosen.length >= o.maxCitations) break;
      if (chosen.some((x) => x.hit.item === c.hit.item)) continue;
      // A figure or date question cites further items only where they state a figure or date too.
      const statesIt = shape === "number" ? FIGURE.test(c.sentence) : shape === "when" ? DATE.test(c.sentence) : true;
      if (statesIt && c.itemCoverage >= Math.max(o.minItemCoverage, best.itemCoverage * o.extraCitationShare) && c.sentenceCoverage >= best.sentenceCoverage * o.extraCitationShare) {
        chosen.push(c);
      }
    }
    // "Who" is best answered by an item that names responsible units, when one covers the
    // question well enough, unless the best sentence names an actor itself (由…/支持…/联合…).
    const namesActor = /由|负责|牵头|支持|联合|会同|依托|配合/.test(best.sentence);
    if (shape === "who" && !best.hit.item.responsible && !namesActor) {
      // Any item with units matches 谁负责 (→ 责任单位); it must also hold the most specific
      // word of the topic (高地 in 谁负责建设职业教育创新发展高地), not just the common ones.
      const topic = concepts.filter((c) => !c.alternatives.some((a) => /^责任(单位|部门)$/.test(a)));
      const specific = [...topic].sort((a, b) => b.weight - a.weight)[0];
      const withUnits = ranked.find(
        (c) =>
          c.hit.item.responsible &&
          c.itemCoverage >= o.minItemCoverage &&
          c.sentenceCoverage >= o.minSentenceCoverage &&
          (!specific || coverage([specific], contextText(c.hit)) > 0),
      );
      if (withUnits) return this.sentenceAnswer(question, shape, concepts, { ...search, items: [withUnits.hit] }, retrieved);
    }
    const item = best.hit.item;
    const context = [best.hit.meta.title, ...item.path].join(" ");
    if (shape === "who" && item.responsible) {
      // The units are the answer; the quote shows the measure and its 责任单位 as written.
      const lead = `${item.responsible.join("、")}${item.responsible.length > 1 ? `（${item.responsible[0]}牵头）` : ""}`;
      const first = stripMarker(sentencesOf(item.text)[0] ?? item.text);
      const statement = item.kind === "row" ? item.text.split("\n").slice(-1)[0]! : /[（(]责任(单位|部门)[:：][^]*$/.exec(item.text.replace(/\n/g, ""))?.[0] ?? "";
      const evidence: Evidence[] = [{ quote: first.length > o.maxQuoteChars ? first.slice(0, o.maxQuoteChars) + "…" : first, citation: 0 }];
      if (statement) evidence.push({ quote: statement, citation: 0 });
      return this.finish(question, shape, lead, evidence, [best.hit], retrieved);
    }
    let lead: string;
    switch (shape) {
      case "number":
      case "when": {
        const want = shape === "number" ? FIGURE : DATE;
        // "一共几条": an item that lists its points (（1）…（10）) answers with their count.
        const points = shape === "number" && /几(条|项|点|个方面)|多少(条|项|点)/.test(question) ? enumeratedPoints(item.text) : 0;
        if (points >= 2) {
          const lead = `${item.heading || stripMarker(sentencesOf(item.text)[0] ?? "").replace(/[。；]$/, "")}：共${points}条`;
          const last = sentencesOf(item.text).find((t) => t.includes(`（${points}）`)) ?? best.sentence;
          return this.finish(question, shape, lead, [{ quote: quoteWindow(last, `（${points}）`, o.maxQuoteChars), citation: 0 }], [best.hit], retrieved);
        }
        // Only the best sentence counts: when it states its figure about an excluded alternative
        // (2-3所中职 when 高职 was asked), a figure from a weaker sentence is a guess
        // (15所“双高”高职院校 for 多少所高职院校). The lead must state the figure, date or
        // document number itself ("1+N" is a name, not a figure).
        const clause = readIndicatorRow(item.text, best.sentence) ?? this.clauseFor(question, best.sentence, concepts, want, context);
        if (clause === null || !(want.test(clause) || (shape === "number" && DOC_NUMBER.test(clause)))) return this.refusal(question, shape, search, retrieved);
        lead = clause;
        break;
      }
      case "yesno":
        lead = `${polarity(question, best.sentence)}。${bestClause(best.sentence, concepts, undefined, context)}`;
        break;
      default:
        lead = best.sentence.length <= 60 ? stripMarker(best.sentence.replace(/[。；]$/, "")) : bestClause(best.sentence, concepts, undefined, context);
    }
    const core = lead.replace(/^[^。]*。/, (m) => (shape === "yesno" ? "" : m));
    const evidence: Evidence[] = chosen.map((c, i) => ({ quote: quoteWindow(c.sentence, i === 0 ? core : bestClause(c.sentence, concepts), o.maxQuoteChars), citation: i }));
    return this.finish(question, shape, lead, evidence, chosen.map((c) => c.hit), retrieved);
  }

  /**
   * The clause that states the figure or date. When the clause that best covers the
   * question speaks of an excluded alternative (国家级 when 省级 was asked) and no other
   * clause covers the question half as well, the sentence does not answer: null.
   */
  private clauseFor(question: string, sentence: string, concepts: readonly Concept[], want: RegExp, context: string): string | null {
    const clauses = clausesOf(sentence);
    // A figure counts what follows it (2-3所中职学校): that object must not be an excluded alternative either.
    const objectConflicts = (clause: string) => {
      const spans = [...clause.matchAll(new RegExp(want.source, "gu"))].map((m) => clause.slice(m.index, m.index + m[0].length + 6));
      return spans.length > 0 && spans.every((span) => this.ctx.contrasts.conflicts(question, span));
    };
    const conflicting = clauses.filter((c) => this.ctx.contrasts.conflicts(question, c) || objectConflicts(c));
    if (conflicting.length === 0) return bestClause(sentence, concepts, want, context);
    const focus = concepts.filter((c) => coverage([c], context) === 0);
    const topic = focus.length > 0 ? focus : concepts;
    const bestOverall = Math.max(...clauses.map((c) => coverage(topic, c)));
    const usable = clauses.filter((c) => !conflicting.includes(c) && coverage(topic, c) >= bestOverall * 0.5 && coverage(topic, c) > 0);
    if (usable.length === 0) return null;
    return bestClause(usable.join("，"), concepts, want, context);
  }

  private referenceAnswer(question: string, hit: ScoredItem, retrieved: RetrievedRef[]): DraftAnswer {
    const first = sentencesOf(hit.item.text)[0] ?? hit.item.text;
    const lead = hit.item.heading || stripMarker(first.replace(/[。；]$/, ""));
    // The item itself is the answer: quote its opening, up to a phone screen's worth.
    const body = stripMarker(hit.item.text.replace(/\n/g, ""));
    const evidence: Evidence[] = [{ quote: body.length <= 200 ? body : body.slice(0, 200) + "…", citation: 0 }];
    return this.finish(question, "reference", lead, evidence, [hit], retrieved);
  }

  /** Documents a question is scoped to by its wording (任务清单, 高新区, a year), or all. */
  private scope(question: string): Set<string> {
    const scored = this.ctx.corpus.documents.map((d) => ({ file: d.meta.file, a: documentAffinity(question, d) }));
    const max = Math.max(0, ...scored.map((s) => s.a));
    const top = scored.filter((s) => s.a === max);
    return new Set(max >= 2 && top.length < scored.length ? top.map((s) => s.file) : scored.map((s) => s.file));
  }

  /** Aggregation over structured data: every item a unit is responsible for, or every item with a date. */
  private listAnswer(question: string, concepts: readonly Concept[], search: SearchResult, retrieved: RetrievedRef[]): DraftAnswer | null {
    const scope = this.scope(question);
    const units = this.ctx.units.findIn(question);
    const all: { item: Item; meta: DocumentMeta }[] = [];
    for (const [file, d] of this.itemsByFile) if (scope.has(file)) for (const item of d.items) all.push({ item, meta: d.meta });

    let matches: { item: Item; meta: DocumentMeta }[];
    let what: string;
    if (units.length > 0) {
      const unit = units[0]!;
      const only = /只由|一家|单独|独立/.test(question);
      const leads = /牵头/.test(question);
      matches = all.filter(({ item }) => {
        if (!item.responsible) return false;
        const canon = item.responsible.map((r) => this.ctx.units.canonical(r));
        if (only) return canon.length === 1 && canon[0] === unit;
        if (leads) return canon[0] === unit;
        return canon.includes(unit);
      });
      what = `${unit}${only ? "单独负责" : leads ? "牵头" : "负责或参与"}的共${matches.length}项`;
      if (matches.length === 0) {
        const lead = `文件中没有找到${unit}${only ? "单独负责" : "负责"}的事项。`;
        return { ...this.refusal(question, "list", search, retrieved), lead, text: lead };
      }
    } else {
      const date = DATE.exec(question.replace(/(?<!\d)(\d{2})年/g, "20$1年"))?.[0];
      if (!date) return null;
      const phrase = date.replace(/^(到|至|自|从)/, "");
      matches = all.filter(({ item }) => item.label !== null && item.text.replace(/\s/g, "").includes(phrase));
      what = `写明“${phrase}”的共${matches.length}项`;
      if (matches.length === 0) return null;
    }
    // A row or measure is named by its heading, else by its first clause that is more than a date.
    const summary = (item: Item) => {
      if (item.heading) return item.heading;
      const clause = clausesOf(stripMarker(item.text.split("\n")[0]!)).find((c) => c.replace(DATE, "").length >= 6) ?? item.text;
      return clause.length > 30 ? clause.slice(0, 30) + "…" : clause;
    };
    const titles = new Set(matches.map(({ meta }) => meta.title));
    const lead = `${what}：` + matches.map(({ item, meta }) => `${readableLabel(item.label, item.kind)}（${summary(item)}）${titles.size > 1 ? `〔${meta.title}〕` : ""}`).join("；");
    const hits = matches.map(({ item, meta }) => ({ item, meta, score: 1 }));
    const evidence: Evidence[] = [];
    return this.finish(question, "list", lead, evidence, hits, retrieved);
  }

  /** Two years compared: the best item of each year's document, newer first. */
  private compareAnswer(question: string, concepts: readonly Concept[], search: SearchResult, retrieved: RetrievedRef[]): DraftAnswer | null {
    const q = question.replace(/(?<!\d)(\d{2})年/g, "20$1年");
    const years = [...new Set([...q.matchAll(/(20\d{2})年/g)].map((m) => Number(m[1])))].sort((a, b) => b - a);
    if (years.length < 2) return null;
    const topical = concepts.filter((c) => !/^20\d{2}年$/.test(c.text));
    // "21年修订标准、23年修订方案": each year may come with its own topic.
    const segments = new Map<number, Concept[]>();
    const parts = q.split(/(?=20\d{2}年)/);
    for (const part of parts) {
      const y = /^(20\d{2})年/.exec(part);
      if (!y) continue;
      const own = this.ctx.concepts.extract(part.replace(/^20\d{2}年/, "").replace(/(和|与|跟|、|，|,)$/, "")).filter((c) => !/^20\d{2}年$/.test(c.text));
      if (own.length >= 2) segments.set(Number(y[1]), own);
    }
    const picks: Candidate[] = [];
    for (const year of years) {
      const own = segments.size === years.length ? segments.get(year)! : topical;
      const hits = search.items.filter((s) => s.meta.year === year);
      const ranked = this.candidates(own, "fact", hits);
      const top = ranked[0];
      if (!top || top.itemCoverage < this.options.minItemCoverage * 0.8) continue;
      picks.push(ranked.filter((c) => c.hit === top.hit).sort((a, b) => b.quoteScore - a.quoteScore)[0]!);
    }
    if (picks.length < 2) return null;
    const lead = picks.map((p) => `${p.hit.meta.year}年：${bestClause(p.sentence, topical)}`).join("；");
    const evidence = picks.map((p, i) => ({ quote: quoteWindow(p.sentence, bestClause(p.sentence, topical), this.options.maxQuoteChars), citation: i }));
    return this.finish(question, "compare", lead, evidence, picks.map((p) => p.hit), retrieved);
  }

  /** "哪天印发" about a document: its date and issuer, from the cover letter. */
  private issueDateAnswer(question: string, concepts: readonly Concept[], search: SearchResult, retrieved: RetrievedRef[]): DraftAnswer | null {
    if (!/(印发|发布|下发|出台|发文|颁布|发的)/.test(question) || !/(哪天|什么时候|何时|日期|哪一?年|几月|啥时候)/.test(question)) return null;
    const top = search.items[0];
    if (!top || !top.meta.date) return null;
    const doc = this.itemsByFile.get(top.meta.file)!;
    // The question must be about the document itself: its title covers the topic.
    const topical = concepts.filter((c) => !/印发|发布|下发|出台|颁布|^发$/.test(c.text));
    if (coverage(topical, top.meta.title) < 0.5) return null;
    const cover = doc.items.find((i) => i.label === null && i.text.replace(/\s/g, "").includes(top.meta.date!.slice(0, 4) + "年"));
    if (!cover) return null;
    const [y, m, d] = top.meta.date.split("-").map(Number);
    const lead = `${y}年${m}月${d}日${top.meta.issuer ? `（${top.meta.issuer}印发）` : ""}`;
    const quote = sentencesOf(cover.text).find((s) => s.includes(`${y}年${m}月${d}日`)) ?? sentencesOf(cover.text).slice(-1)[0]!;
    return this.finish(question, "when", lead, [{ quote, citation: 0 }], [{ item: cover, meta: top.meta, score: top.score }], retrieved);
  }
}
