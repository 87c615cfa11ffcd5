/**
 * One message through the stages: each of its questions is searched with what analysis
 * found (text, expansions, documents, the kind's lift, a named item) and answered; a
 * message with two questions gets both answers in one reply, numbered.
 */
import type { DraftAnswer, PreparedQuestion } from "../answer/answer-question.ts";
import { sameCitation } from "../answer/compose/citations.ts";
import { kindNamed } from "../answer/kinds/table.ts";
import type { AnalysedMessage, AnalysedQuestion } from "../answer/question/analysed-question.ts";
import { weigh } from "../answer/question/concepts.ts";
import { renderAnswerText } from "../answer/render-answer.ts";
import type { Citation, Evidence } from "../answer/types.ts";
import type { HybridRetriever, SearchRequest, SearchResult } from "../retrieval/hybrid-retriever.ts";
import { nextTurn } from "../util/time-slice.ts";
import type { Engine } from "./qa-service.ts";

/** How many items search returns: comparisons read further, to find each side's documents. */
export const SEARCH_DEPTH = { default: 10, compare: 40 } as const;

/** At most this many questions of one message are answered; the rest would bury the reply. */
export const MAX_QUESTIONS_PER_MESSAGE = 3;

/** The search request for an analysed question. */
export function searchRequest(q: AnalysedQuestion): SearchRequest {
  const kind = kindNamed(q.kind);
  return {
    text: q.text,
    expansions: q.expansions,
    documents: q.documents,
    lift: kind.lift ? (item, meta) => kind.lift!(q, item, meta) : undefined,
    pinned: q.reference?.item ?? null,
  };
}

/** A message's questions searched and read into candidates (the decision comes after). */
export async function prepareMessage(
  parts: Pick<Engine, "retriever" | "answerer">,
  message: AnalysedMessage,
): Promise<{ prepared: PreparedQuestion[]; retrievalMs: number }> {
  const prepared: PreparedQuestion[] = [];
  let retrievalMs = 0;
  for (const [i, q] of message.questions.slice(0, MAX_QUESTIONS_PER_MESSAGE).entries()) {
    // Each question's search and reading is a turn of its own: a message of three questions
    // does not hold the thread for all three (see PolicyQaService.ask).
    if (i > 0) await nextTurn();
    const started = performance.now();
    const search = await searchFor(parts.retriever, q);
    retrievalMs += performance.now() - started;
    prepared.push(parts.answerer.prepare(q, search));
  }
  return { prepared, retrievalMs };
}

/**
 * Searches for an analysed question; its concepts are weighed while the search's worker
 * threads rank (see `weigh`): the answer stage reads the weights, the search does not.
 */
export function searchFor(retriever: HybridRetriever, q: AnalysedQuestion): Promise<SearchResult> {
  const depth = q.kind === "compare" ? SEARCH_DEPTH.compare : SEARCH_DEPTH.default;
  return retriever.search(searchRequest(q), depth, () => weigh(q.concepts));
}

/** Several answers of one message as one reply: numbered leads, citations merged in order. */
export function mergeAnswers(drafts: readonly DraftAnswer[]): DraftAnswer {
  if (drafts.length === 1) return drafts[0]!;
  const answered = drafts.filter((d) => !d.refused);
  if (answered.length === 0) return drafts[0]!;
  const citations: Citation[] = [];
  const evidence: Evidence[] = [];
  for (const d of drafts) {
    for (const e of d.evidence) {
      const c = d.citations[e.citation];
      if (!c) continue;
      let at = citations.findIndex((x) => sameCitation(x, c));
      if (at < 0) at = citations.push(c) - 1;
      evidence.push({ quote: e.quote, citation: at });
    }
    for (const c of d.citations) if (!citations.some((x) => sameCitation(x, c))) citations.push(c);
  }
  const lead = drafts.map((d, i) => `${i + 1}. ${d.lead}`).join("\n");
  return {
    ...drafts[0]!,
    refused: false,
    lead,
    evidence,
    citations,
    related: [],
    text: renderAnswerText({ lead, evidence, citations, related: [], refused: false }),
  };
}
