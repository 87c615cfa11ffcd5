/**
 * The optional language-model answer: an OpenAI-compatible chat model (DeepSeek, Qwen,
 * Ollama, vLLM …) writes a fluent answer from the retrieved items, and the reply is
 * accepted only when it is valid JSON of the expected shape, cites only items it was
 * given, and passes the grounding check (grounding.ts) against what it cites. Anything else —
 * a timeout, an HTTP error, a refusal, an ungrounded claim — returns the extractive
 * answer unchanged, within the same request, with the reason for logs and tests.
 */
import path from "node:path";
import type { BaseMessage } from "@langchain/core/messages";
import { DEFAULTS, PROJECT_ROOT, secretsOf, type Settings } from "../../config/settings.ts";
import { loadGroundingTerms, type GroundingTerms } from "../../lexicon/grounding-terms.ts";
import { silentLogger, type Logger } from "../../logging/logger.ts";
import type { DraftAnswer } from "../answer-question.ts";
import type { KindContext } from "../kinds/kind.ts";
import type { AnalysedQuestion } from "../question/analysed-question.ts";
import { renderAnswerText } from "../render-answer.ts";
import type { Citation, QuestionShape } from "../types.ts";
import { AnswerPrompt, candidateId } from "./answer-prompt.ts";
import { evidenceForCited } from "./cited-evidence.ts";
import { GroundingCheck, type GroundingFailure } from "./grounding.ts";
import { parseModelReply } from "./model-reply.ts";

/** Options of the model call and of the checks; every default is here. */
export const LLM_ANSWER_DEFAULTS = {
  /** Retries inside the deadline; one retry rarely fits in it, so none by default. */
  maxRetries: 0,
  /** Enough for a short answer; bounds how long a server can keep generating. */
  maxTokens: 600,
  /** Longer answers are not the short answer the prompt asks for. */
  maxAnswerChars: 400,
  /** Items shown to the model at most. */
  maxCandidates: 8,
  /** Ask the server for `response_format: json_object` (not every OpenAI-compatible server accepts it). */
  jsonMode: false,
  /** Let the model answer when the extractive answer refused (its refusal is calibrated; the model's is not). */
  answerWhenExtractiveRefused: false,
  /** Shapes whose extractive answer is kept as is: a list is aggregated from structured data, a model would drop rows. */
  keepShapes: ["list"] as readonly QuestionShape[],
};

export type LlmAnswerOptions = typeof LLM_ANSWER_DEFAULTS;

/** Where the model is and how long it may take (the shape of `Settings["llm"]`). */
export type LlmConfig = NonNullable<Settings["llm"]>;

/** Why the extractive answer was kept. */
export type LlmRejection =
  | "no-candidates"
  | "extractive-refused"
  | "kept-shape"
  | "timeout"
  | "aborted"
  | "request-failed"
  | "not-json"
  | "schema"
  | "empty-answer"
  | "too-long"
  | "model-refused"
  | "no-citations"
  | "unknown-citation"
  | GroundingFailure;

/** The answer to show, and whether the model's was used (and why not). */
export type LlmOutcome<A> =
  | { readonly answer: A; readonly accepted: true; readonly reason: "accepted"; readonly ms: number; readonly raw: string }
  | {
      readonly answer: A;
      readonly accepted: false;
      readonly reason: LlmRejection;
      readonly detail: string;
      readonly ms: number;
      readonly raw?: string;
    };

/** The one method of a LangChain chat model the answerer uses; `ChatOpenAI` has it. */
export interface ChatModelLike {
  invoke(input: BaseMessage[], options?: { signal?: AbortSignal }): Promise<{ content: unknown }>;
}

/** What the answerer is built from; everything but the config has a default. */
export interface LlmAnswererDeps {
  /** The answer stage's readers and vocabulary (unit names, measures, yes/no words) the answer is checked with. */
  readonly context: KindContext;
  readonly prompt?: AnswerPrompt;
  /** Default: data/grounding-terms.json of the project. */
  readonly terms?: GroundingTerms;
  /** Values an answer must never hold; default: the API key. */
  readonly secrets?: readonly string[];
  readonly logger?: Logger;
  /** Another LangChain chat model instead of ChatOpenAI (tests use the real ChatOpenAI). */
  readonly chat?: ChatModelLike;
}

/** The model's message content as text (servers send a string; LangChain may give parts). */
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content))
    return content.map((p) => (typeof p === "string" ? p : p && typeof p === "object" && "text" in p ? String(p.text) : "")).join("");
  return "";
}

/** Settles with the promise, or rejects as soon as the signal aborts, whichever comes first. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  promise.catch(() => {}); // a late failure after the abort is expected and uninteresting
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

/** The index a cited id names (c3 → 2), or null; a bare 3 is read as c3. */
function indexOfId(id: string): number | null {
  const m = /^c?(\d+)$/.exec(id);
  return m ? Number(m[1]) - 1 : null;
}

export class LlmAnswerer {
  private readonly options: LlmAnswerOptions;
  private readonly prompt: AnswerPrompt;
  private readonly grounding: GroundingCheck;
  private readonly logger: Logger;
  /** Loaded only when a model is configured: @langchain/openai takes half a second to import. */
  private chat: Promise<ChatModelLike> | undefined;

  /**
   * @throws {PromptFileError} or {DataFileError} when a file is missing or malformed (at start, not per request).
   */
  constructor(
    private readonly config: LlmConfig,
    deps: LlmAnswererDeps,
    options: Partial<LlmAnswerOptions> = {},
  ) {
    this.options = { ...LLM_ANSWER_DEFAULTS, ...options };
    this.prompt = deps.prompt ?? AnswerPrompt.load();
    const secrets = deps.secrets ?? [config.apiKey].filter((k) => k !== "none");
    const terms = deps.terms ?? loadGroundingTerms(path.join(PROJECT_ROOT, DEFAULTS.vocabularyDir));
    this.grounding = new GroundingCheck(deps.context, terms, secrets);
    this.logger = deps.logger ?? silentLogger;
    this.logger.addSecrets(secrets);
    if (deps.chat) this.chat = Promise.resolve(deps.chat);
    // Start loading now, in the background, so that the first question does not wait for it.
    else void this.chatModel().catch((e: unknown) => this.logger.error("could not load @langchain/openai", { error: e }));
  }

  private chatModel(): Promise<ChatModelLike> {
    const { config, options } = this;
    return (this.chat ??= import("@langchain/openai").then(
      ({ ChatOpenAI }) =>
        new ChatOpenAI({
          model: config.model,
          apiKey: config.apiKey,
          configuration: { baseURL: config.baseUrl },
          temperature: 0,
          timeout: config.timeoutMs,
          maxRetries: options.maxRetries,
          maxTokens: options.maxTokens,
          streaming: false,
          ...(options.jsonMode ? { modelKwargs: { response_format: { type: "json_object" } } } : {}),
        }),
    ));
  }

  /**
   * An answerer when settings name a model, else undefined (answers stay extractive). Its
   * terms come from the settings' data folder, and no answer may hold any secret of the settings.
   */
  static fromSettings(settings: Settings, deps: LlmAnswererDeps, options: Partial<LlmAnswerOptions> = {}): LlmAnswerer | undefined {
    if (!settings.llm) return undefined;
    const full = { terms: loadGroundingTerms(settings.vocabularyDir), secrets: secretsOf(settings), ...deps };
    return new LlmAnswerer(settings.llm, full, options);
  }

  /**
   * Asks the model and returns its answer when every check passes, else `fallback`
   * unchanged. Never throws for model or network trouble, and settles within
   * `timeoutMs` (or when `signal` aborts).
   * @param q the analysed question: the model is asked its text, and the answer checked against its topic and kind.
   * @param candidates the items the model may cite, most relevant first; it sees them as c1, c2, …
   * @param fallback the extractive answer; its evidence is reused for the items the model cites.
   */
  async answer<A extends DraftAnswer>(
    q: AnalysedQuestion,
    candidates: readonly Citation[],
    fallback: A,
    signal?: AbortSignal,
  ): Promise<LlmOutcome<A>> {
    const started = performance.now();
    const ms = () => Math.round(performance.now() - started);
    const keep = (reason: LlmRejection, detail: string, raw?: string): LlmOutcome<A> => {
      const outcome: LlmOutcome<A> = { answer: fallback, accepted: false, reason, detail, ms: ms(), ...(raw === undefined ? {} : { raw }) };
      this.logger.info("language-model answer not used; keeping the extractive answer", { reason, detail, ms: outcome.ms });
      return outcome;
    };

    const shown = candidates.slice(0, this.options.maxCandidates);
    if (shown.length === 0) return keep("no-candidates", "no retrieved items to show the model");
    if (fallback.refused && !this.options.answerWhenExtractiveRefused)
      return keep("extractive-refused", "the extractive answer refused; the model is not asked");
    if (this.options.keepShapes.includes(fallback.shape)) return keep("kept-shape", `a ${fallback.shape} answer is kept as aggregated`);

    // One deadline for the whole call, ours, so that a client that ignores its own timeout still falls back in time.
    const deadline = AbortSignal.timeout(this.config.timeoutMs);
    const stop = signal ? AbortSignal.any([signal, deadline]) : deadline;
    let raw: string;
    try {
      const messages = await this.prompt.format(q.text, shown);
      const chat = await untilAborted(this.chatModel(), stop);
      const reply = await untilAborted(chat.invoke(messages, { signal: stop }), stop);
      raw = contentText(reply.content);
    } catch (err) {
      if (signal?.aborted) return keep("aborted", "the request was cancelled");
      if (deadline.aborted) return keep("timeout", `no reply within ${this.config.timeoutMs} ms`);
      return keep("request-failed", (err as Error)?.message ?? String(err));
    }

    const parsed = parseModelReply(raw);
    if (!parsed.ok) return keep(parsed.reason, parsed.detail, raw);
    const reply = parsed.reply;
    if (reply.refused)
      return keep("model-refused", fallback.refused ? "both refused" : "the model refused while the extractive answer found one", raw);
    if (reply.answer === "") return keep("empty-answer", "the answer is empty", raw);
    if ([...reply.answer].length > this.options.maxAnswerChars) return keep("too-long", `${[...reply.answer].length} characters`, raw);
    if (reply.citations.length === 0) return keep("no-citations", "an answer must cite at least one item", raw);

    const indices: number[] = [];
    for (const id of reply.citations) {
      const i = indexOfId(id);
      if (i === null || i < 0 || i >= shown.length)
        return keep("unknown-citation", `cited ${JSON.stringify(id)}; given ${shown.map((_, k) => candidateId(k)).join(", ")}`, raw);
      if (!indices.includes(i)) indices.push(i);
    }
    const cited = indices.map((i) => shown[i]!);

    const grounding = this.grounding.check(reply.answer, cited, q, fallback);
    if (!grounding.ok) return keep(grounding.reason, `not supported by the cited text: ${grounding.offending.join("、")}`, raw);

    const lead = reply.answer;
    const evidence = evidenceForCited(fallback, cited, lead);
    const text = renderAnswerText({ lead, evidence, citations: cited, related: [], refused: false });
    const answer: A = { ...fallback, refused: false, lead, evidence, citations: cited, related: [], text, via: "llm" };
    this.logger.info("language-model answer accepted", { citations: reply.citations.length, ms: ms() });
    return { answer, accepted: true, reason: "accepted", ms: ms(), raw };
  }

  /**
   * The answerer as the QA service's second pass (`Refiner`): it offers the model the
   * extractive citations, or what `candidatesFor` picks (e.g. `candidateCitations`).
   */
  refiner(candidatesFor: (draft: DraftAnswer) => readonly Citation[] = (draft) => draft.citations) {
    return async (q: AnalysedQuestion, draft: DraftAnswer, signal?: AbortSignal): Promise<DraftAnswer> =>
      (await this.answer(q, candidatesFor(draft), draft, signal)).answer;
  }
}
