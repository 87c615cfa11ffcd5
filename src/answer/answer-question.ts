/**
 * The answer stage's driver. For an analysed question and its search result it reads
 * the top items as candidates of the question's kind (each item's best sentence, how
 * well it covers and fits), lets the fitted decision model rate each one, and answers
 * with the best when it is likely enough to be right — else refuses, offering the
 * nearest items as 可能相关. Kinds that answer from structure compose their own answer.
 */
import type { ParsedDocument } from "../corpus/types.ts";
import type { ScoredItem, SearchResult } from "../retrieval/hybrid-retriever.ts";
import { sentencesOf } from "../text/sentences.ts";
import { toCitation, type CitedItem } from "./compose/citations.ts";
import { renderAnswerText } from "./render-answer.ts";
import { decide, type DecisionModel } from "./decide/decision-model.ts";
import { featuresOf, type FeatureStats, type Features } from "./decide/features.ts";
import type { Candidate, Composed, Decide, KindContext, QuestionKind, Written } from "./kinds/kind.ts";
import { KINDS, kindNamed } from "./kinds/table.ts";
import type { AnalysedQuestion } from "./question/analysed-question.ts";
import { coverage } from "./question/concepts.ts";
import { existingRange } from "./question/references.ts";
import type { Answer, Citation, RetrievedRef } from "./types.ts";

/** Defaults of the answer stage. */
export const ANSWER_DEFAULTS = {
  /** How many top items are read as candidates. */
  readItems: 8,
  /** At most this many citations for a sentence answer. */
  maxCitations: 3,
  /** A further candidate is cited when the ranker rates it at least this share of the best one. */
  extraCitationShare: 0.8,
  /** …or this share, when it is from a circular of another year and covers the question as well. */
  otherYearShare: 0.2,
  /** Nearest items offered when refusing. */
  related: 2,
  refusalText: "文件中没有找到相关规定。",
} as const;

/** Kinds answered from structure rather than from a sentence the gate rates. */
export const STRUCTURED: ReadonlySet<string> = new Set(["list", "meta", "reference"]);

/** What the answer stage wrote, before timings and the conversation turn are added. */
export type DraftAnswer = Omit<Answer, "timings" | "turn">;

/** A candidate with its features, before the decision. */
export interface RatedCandidate {
  readonly candidate: Candidate;
  readonly features: Features;
  /** Whether the kind can write an answer from it at all. */
  readonly answers: boolean;
}

/** Everything about one question that does not depend on the fitted decision model. */
export interface PreparedQuestion {
  readonly q: AnalysedQuestion;
  readonly search: SearchResult;
  readonly candidates: readonly RatedCandidate[];
}

export interface AnswerDeps {
  readonly ctx: KindContext;
  readonly decision: DecisionModel;
  readonly stats: FeatureStats;
}

function contextText(hit: Pick<ScoredItem, "item" | "meta">): string {
  return [hit.meta.title, ...hit.item.path, hit.item.text].join(" ");
}

export class Answerer {
  readonly options = ANSWER_DEFAULTS;

  constructor(private readonly deps: AnswerDeps) {}

  /** The readers and vocabulary the kinds answer with (the language-model check reads with them too). */
  get context(): KindContext {
    return this.deps.ctx;
  }

  /** Works out ahead what the kinds would work out on their first questions (see QuestionKind.warm). */
  async warm(): Promise<void> {
    for (const kind of KINDS) await kind.warm?.(this.deps.ctx);
  }

  /** The fitted decision this answerer uses by default. */
  get decision(): DecisionModel {
    return this.deps.decision;
  }

  /** The candidates of a question's kind from the top items of its search. */
  candidates(q: AnalysedQuestion, search: SearchResult, kind: QuestionKind = kindNamed(q.kind)): RatedCandidate[] {
    const top = search.items[0]?.score ?? 0;
    const out: RatedCandidate[] = [];
    search.items.slice(0, this.options.readItems).forEach((hit, rank) => {
      const itemCoverage = coverage(q.concepts, contextText(hit));
      let best: Candidate | null = null;
      let bestScore = -Infinity;
      for (const sentence of sentencesOf(hit.item.text)) {
        const sentenceCoverage = coverage(q.concepts, sentence);
        const fit = kind.sentenceFit(q, sentence, hit.item, this.deps.ctx);
        // A sentence about another year or level than the asked one does not answer.
        const conflict = this.deps.ctx.contrasts.conflicts(q.text, sentence) && q.kind !== "yesno" ? 0.5 : 0;
        const score = sentenceCoverage + 0.5 * fit - conflict;
        if (score > bestScore) {
          bestScore = score;
          best = { hit, rank, sentence, sentenceCoverage, itemCoverage, fit };
        }
      }
      if (!best) return;
      out.push({
        candidate: best,
        features: featuresOf(q, best, top, this.deps.ctx.contrasts, this.deps.stats),
        answers: kind.answers(q, best, this.deps.ctx) && !this.ofAnotherYear(q, hit),
      });
    });
    return out;
  }

  /** The answer to a question from its search result. */
  answer(q: AnalysedQuestion, search: SearchResult): DraftAnswer {
    return this.finish(this.prepare(q, search));
  }

  /**
   * An item of a document dated in another year than the question asks about, which does
   * not name that year itself: when circulars of the asked year exist, it answers for its
   * own year, not the asked one (21年要点 does not say what 23年 holds).
   */
  private ofAnotherYear(q: AnalysedQuestion, hit: ScoredItem): boolean {
    if (q.years.length === 0 || hit.meta.year === null || q.years.includes(hit.meta.year)) return false;
    if (!this.deps.ctx.corpus.documents.some((d) => d.meta.year !== null && q.years.includes(d.meta.year))) return false;
    return !q.years.some((y) => hit.item.text.includes(`${y}年`));
  }

  /** Reads a question's candidates once; `finish` decides with any model (cross-validation refits it). */
  prepare(q: AnalysedQuestion, search: SearchResult): PreparedQuestion {
    return { q, search, candidates: this.candidates(q, search) };
  }

  /**
   * Decides with a model: the best candidate when the gate is confident enough, and the
   * others the ranker rates nearly as high (cited beside it).
   */
  private rate(candidates: readonly RatedCandidate[], decision: DecisionModel): { best: Candidate | null; answered: Candidate[] } {
    const d = decide(decision, candidates);
    if (d.order.length === 0 || d.confidence < decision.threshold) return { best: null, answered: [] };
    const best = candidates[d.order[0]!]!.candidate;
    const top = d.scores[d.order[0]!]!;
    // A document of another year that speaks of the same thing is cited beside it (newer and older), on a lower bar.
    const otherYear = (c: Candidate) => c.hit.meta.year !== null && best.hit.meta.year !== null && c.hit.meta.year !== best.hit.meta.year;
    const answered = d.order
      .filter((i) => {
        const c = candidates[i]!.candidate;
        if (d.scores[i]! >= top * this.options.extraCitationShare) return true;
        return (
          otherYear(c) &&
          d.scores[i]! >= top * this.options.otherYearShare &&
          c.itemCoverage >= best.itemCoverage * this.options.extraCitationShare
        );
      })
      .map((i) => candidates[i]!.candidate);
    return { best, answered };
  }

  /** The decision as a function of question and search, for kinds that answer in parts. */
  private decider(decision: DecisionModel): Decide {
    return (q, search) => this.rate(this.candidates(q, search), decision);
  }

  /** The answer to a prepared question, deciding with `decision` (the fitted model by default). */
  finish(prepared: PreparedQuestion, decision: DecisionModel = this.deps.decision): DraftAnswer {
    const { q, search } = prepared;
    const retrieved: RetrievedRef[] = search.items
      .slice(0, 10)
      .map((s) => ({ file: s.item.file, label: s.item.label, score: Number(s.score.toFixed(4)), text: s.item.text }));
    // A question whose only content is a digit or a letter ("1", "x") names no topic to answer.
    if (!q.reference && !q.concepts.some((c) => [...c.text].length >= 2 && !/^[\d.%]+$/.test(c.text)))
      return this.refusal(prepared, retrieved);
    // A reference to an item that does not exist is answered with what does exist, citing nothing.
    if (q.reference && !q.reference.exists) return this.missingReference(prepared, retrieved);
    // So is a document of a year there is none of ("22年的职教工作要点").
    if (q.missingDocument) return this.missingDocument(prepared, retrieved);
    const kind = kindNamed(q.kind);
    // A place the circulars never name (江苏, 济南市的一市一策方案) is not theirs to answer; a
    // yes/no question may still be answered 不是 from what they do name.
    if (q.kind !== "yesno" && q.places.some((p) => !p.inCorpus)) return this.refusal(prepared, retrieved);
    const composed = kind.compose?.(q, search, this.deps.ctx, this.decider(decision));
    if (composed) return this.fromComposed(prepared, composed, retrieved);

    const { best, answered } = this.rate(prepared.candidates, decision);
    if (!best) return this.refusal(prepared, retrieved);
    const written = kind.write(q, best, this.deps.ctx) ?? this.writeNext(q, kind, answered.slice(1));
    if (!written) return this.refusal(prepared, retrieved);
    // Other candidates rated nearly as likely are cited too, each with its own quote.
    const extra = answered
      .filter((c) => c !== best && !written.items.some((w) => w.item === c.hit.item))
      .slice(0, this.options.maxCitations - written.items.length);
    const more = extra.map((c) => kind.write(q, c, this.deps.ctx)).filter((w): w is Written => w !== null);
    const dated = this.byYear(written, more);
    if (dated) return this.draft(q, dated.lead, dated.evidence, dated.items.map(toCitation), retrieved, false);
    const items: CitedItem[] = [...written.items];
    const evidence = [...written.evidence];
    for (const w of more) {
      const at = items.push(w.items[0]!) - 1;
      evidence.push({ quote: w.evidence[0]?.quote ?? "", citation: at });
    }
    return this.draft(q, written.lead, evidence, items.map(toCitation), retrieved, false);
  }

  /**
   * When circulars of different years answer alike, the newer comes first with its year and
   * each keeps its own lead, so a changed figure reads as a change (2023年：第一批70所；
   * 2021年：首批50所左右). Null when all answers come from documents of one year.
   */
  private byYear(best: Written, more: readonly Written[]): Written | null {
    const yearOf = (w: Written) => w.items[0]!.meta.year;
    const others = more.filter((w) => yearOf(w) !== null && yearOf(w) !== yearOf(best));
    if (yearOf(best) === null || others.length === 0) return null;
    const all = [best, ...others.filter((w, i) => others.findIndex((x) => yearOf(x) === yearOf(w)) === i)].sort(
      (a, b) => yearOf(b)! - yearOf(a)!,
    );
    return {
      lead: all.map((w) => `${yearOf(w)}年：${w.lead}`).join("；"),
      evidence: all.map((w, i) => ({ quote: w.evidence[0]?.quote ?? "", citation: i })),
      items: all.map((w) => w.items[0]!),
    };
  }

  private writeNext(q: AnalysedQuestion, kind: QuestionKind, rest: readonly Candidate[]): Written | null {
    for (const c of rest) {
      const w = kind.write(q, c, this.deps.ctx);
      if (w) return w;
    }
    return null;
  }

  private fromComposed(prepared: PreparedQuestion, composed: Composed, retrieved: RetrievedRef[]): DraftAnswer {
    if (composed.refused) {
      const related = prepared.search.items.slice(0, this.options.related).map(toCitation);
      return {
        ...this.draft(prepared.q, composed.lead, [], [], retrieved, true),
        related,
        text: renderAnswerText({ lead: composed.lead, evidence: [], citations: [], related, refused: true }),
      };
    }
    return this.draft(prepared.q, composed.lead, [...composed.evidence], composed.items.map(toCitation), retrieved, false, composed.listed);
  }

  private missingReference(prepared: PreparedQuestion, retrieved: RetrievedRef[]): DraftAnswer {
    const ref = prepared.q.reference!;
    const docs = ref.documents.map((f) => this.deps.ctx.documents.get(f)).filter((d): d is ParsedDocument => d !== undefined);
    // Ranges are shown for one or two documents only: past a third, none is worked out.
    const ranges: { d: ParsedDocument; range: string }[] = [];
    for (const d of docs) {
      const range = existingRange(d, ref.style, ref.written);
      if (range !== null && ranges.push({ d, range }) > 2) break;
    }
    const lead =
      ranges.length >= 1 && ranges.length <= 2
        ? `没有“${ref.written}”：${ranges.map((x) => `《${x.d.meta.title}》${x.range}`).join("；")}。`
        : `文件中没有“${ref.written}”。`;
    return { ...this.draft(prepared.q, lead, [], [], retrieved, true), text: lead };
  }

  private missingDocument(prepared: PreparedQuestion, retrieved: RetrievedRef[]): DraftAnswer {
    const years = [...new Set(this.deps.ctx.corpus.documents.map((d) => d.meta.year).filter((y): y is number => y !== null))].sort();
    const lead = `文件中没有“${prepared.q.missingDocument}”。现有文件的年份：${years.map((y) => `${y}年`).join("、")}。`;
    return { ...this.draft(prepared.q, lead, [], [], retrieved, true), text: lead };
  }

  private refusal(prepared: PreparedQuestion, retrieved: RetrievedRef[]): DraftAnswer {
    const related = prepared.search.items.slice(0, this.options.related).map(toCitation);
    // A question about one document says which one does not answer it ("2021年呢？").
    const only = prepared.q.documents.length === 1 ? this.deps.ctx.documents.get(prepared.q.documents[0]!) : undefined;
    const lead = only ? `《${only.meta.title}》中没有找到相关规定。` : this.options.refusalText;
    return {
      ...this.draft(prepared.q, lead, [], [], retrieved, true),
      related,
      text: renderAnswerText({ lead, evidence: [], citations: [], related, refused: true }),
    };
  }

  private draft(
    q: AnalysedQuestion,
    lead: string,
    evidence: Answer["evidence"],
    citations: Citation[],
    retrieved: RetrievedRef[],
    refused: boolean,
    listed = false,
  ): DraftAnswer {
    return {
      question: q.typed,
      shape: q.kind,
      refused,
      lead,
      evidence,
      citations,
      related: [],
      text: renderAnswerText({ lead, evidence, citations, related: [], refused, listed }),
      retrieved,
      via: "extractive",
    };
  }
}
