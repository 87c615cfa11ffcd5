/**
 * The question-answering service every front end uses: follow-ups resolved, retrieval,
 * the extractive answer, the optional language model on top, timings measured.
 */
import type { Corpus } from "../corpus/types.ts";
import type { Answerer, DraftAnswer } from "../answer/answer-question.ts";
import type { QuestionAnalyser } from "../answer/question/analyse-question.ts";
import type { AnalysedQuestion } from "../answer/question/analysed-question.ts";
import type { Answer, ConversationTurn } from "../answer/types.ts";
import type { AboutInfo, AskOptions, ItemHit, QaService, ReindexReport } from "./contract.ts";
import type { HybridRetriever } from "../retrieval/hybrid-retriever.ts";
import type { Logger } from "../logging/logger.ts";
import { WORDING } from "../wording/wording.ts";
import { nextTurn } from "../util/time-slice.ts";
import { mergeAnswers, prepareMessage, searchRequest } from "./answer-message.ts";

/** Questions longer than this are cut before search: no circular question needs more. */
export const MAX_QUESTION_CHARS = 500;

/**
 * The question as search should see it: control characters become spaces, and invisible
 * format characters (zero-width space, BOM, bidi overrides, often pasted along with
 * text) are dropped, since inside a word they split it for the segmenter.
 */
export function cleanQuestion(question: string): string {
  return question
    // Terminal colour and title codes pasted from a console.
    .replace(/\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, "")
    .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, " ")
    // Markup pasted with a question (<b>…</b>, [text](url), a script) is not part of what is asked.
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, " ")
    .replace(/<\/?[a-z][^>]*>/gi, " ")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/\p{Cf}/gu, "")
    .trim()
    .slice(0, MAX_QUESTION_CHARS);
}

/** One built search stack: corpus, retriever, answerer, and facts about the build. */
export interface Engine {
  readonly corpus: Corpus;
  readonly retriever: HybridRetriever;
  readonly analyser: QuestionAnalyser;
  readonly answerer: Answerer;
  readonly embeddingModel: string;
  readonly builtAt: string;
  readonly items: number;
  /** The language-model pass over this engine's corpus, when one is configured. */
  readonly refine?: Refiner;
}

/** An optional second pass that rewrites the extractive answer to the analysed question (the language model). */
export type Refiner = (question: AnalysedQuestion, draft: DraftAnswer, signal?: AbortSignal) => Promise<DraftAnswer>;

export class PolicyQaService implements QaService {
  private engine: Engine;

  constructor(
    engine: Engine,
    private readonly rebuild: () => Promise<Engine>,
    private readonly logger: Logger,
  ) {
    this.engine = engine;
  }

  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    const started = performance.now();
    const engine = this.engine; // a reindex swaps the engine; this question keeps the one it started with
    const cleaned = cleanQuestion(question);
    // Emoji with their modifiers and variation selectors (marks) ask nothing either.
    if (cleaned.replace(/[\s\p{P}\p{S}\p{M}]/gu, "") === "") return this.prompt(question);
    const message = engine.analyser.analyse(cleaned, options.previous);
    if (message.questions.length === 0) return this.prompt(question);
    // Analysis, search and composition each let the event loop run before the next: one
    // answer never holds the thread for all three (other chats, timers, a reindex's slices).
    await nextTurn();
    const { prepared, retrievalMs } = await prepareMessage(engine, message);
    await nextTurn();
    let draft = mergeAnswers(prepared.map((p) => engine.answerer.finish(p)));
    // The model answers one question; the answers to several stay as merged.
    if (engine.refine && !draft.refused && prepared.length === 1) {
      try {
        draft = await engine.refine(prepared[0]!.q, draft, options.signal);
      } catch (err) {
        this.logger.warn("language model failed; using the extractive answer", { err });
      }
    }
    const turn: ConversationTurn = {
      question: message.questions[message.questions.length - 1]!.text,
      shape: draft.shape,
      refused: draft.refused,
      citations: draft.citations.map((c) => ({ file: c.file, item: c.label, title: c.title })),
      at: Date.now(),
    };
    return { ...draft, question, turn, timings: { totalMs: performance.now() - started, retrievalMs } };
  }

  /** The reply to a message that asks nothing (empty, emoji, a greeting alone). */
  private prompt(question: string): Answer {
    const lead = WORDING.emptyQuestion;
    const turn: ConversationTurn = { question: "", shape: "fact", refused: true, citations: [], at: Date.now() };
    return {
      question,
      shape: "fact",
      refused: true,
      lead,
      evidence: [],
      citations: [],
      related: [],
      text: lead,
      retrieved: [],
      via: "extractive",
      turn,
      timings: { totalMs: 0, retrievalMs: 0 },
    };
  }

  corpus(): Corpus {
    return this.engine.corpus;
  }

  async search(query: string, limit: number): Promise<readonly ItemHit[]> {
    const engine = this.engine;
    const cleaned = cleanQuestion(query);
    // Read like a question (abbreviations, years, a named item), searched like one.
    const analysed = cleaned ? engine.analyser.analyse(cleaned).questions[0] : undefined;
    if (!analysed) return [];
    const result = await engine.retriever.search(searchRequest(analysed), limit);
    return result.items.map((s) => ({ item: s.item, meta: s.meta, score: s.score }));
  }

  about(): AboutInfo {
    const e = this.engine;
    return {
      embeddingModel: e.embeddingModel,
      indexBuiltAt: e.builtAt,
      documents: e.corpus.documents.length,
      items: e.items,
      answerMode: e.refine ? "llm" : "extractive",
    };
  }

  /** Works out ahead, in time slices, what the first questions over this index would (see QuestionKind.warm). */
  warm(): Promise<void> {
    return warmEngine(this.engine);
  }

  /**
   * Builds a new engine from the seeds as they are now and swaps it in only when complete;
   * questions asked meanwhile are answered by the old one. When the build fails (no
   * readable circular left, disk trouble) the old engine stays and the error propagates.
   */
  async reindex(): Promise<ReindexReport> {
    const started = performance.now();
    const next = await this.rebuild();
    // Warmed before the swap: the first questions on the new index find the work done.
    await warmEngine(next);
    this.engine = next;
    this.logger.info("index rebuilt and swapped", { items: next.items });
    return { documents: next.corpus.documents.length, items: next.items, ms: performance.now() - started, problems: next.corpus.problems };
  }
}

/** What an engine works out on its first questions, worked out ahead in time slices. */
async function warmEngine(engine: Engine): Promise<void> {
  // The ranking workers of a large index open their tables on their own threads meanwhile.
  const search = engine.retriever.warm();
  await engine.analyser.warm();
  await engine.answerer.warm();
  await search;
}
