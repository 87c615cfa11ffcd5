/**
 * What the question-answering service offers every front end (CLI, terminal chat, Telegram):
 * the QaService interface, its per-request options, and what search, /about and a rebuild
 * return. Front ends import these; the service (qa-service.ts) implements them. The answer
 * itself is the answer stage's type (src/answer/types.ts).
 */
import type { Corpus, DocumentMeta, IngestProblem, Item } from "../corpus/types.ts";
import type { Answer, ConversationTurn } from "../answer/types.ts";

/** Per-request options. */
export interface AskOptions {
  /** The conversation's previous turn, for follow-up questions; omit for a one-off question. */
  readonly previous?: ConversationTurn;
  /** Abort the request (e.g. on shutdown). */
  readonly signal?: AbortSignal;
}

/** Facts shown by /about. */
export interface AboutInfo {
  readonly embeddingModel: string;
  readonly indexBuiltAt: string;
  readonly documents: number;
  readonly items: number;
  readonly answerMode: "extractive" | "llm";
}

/** A search hit for inline mode and "可能相关" lists. */
export interface ItemHit {
  readonly item: Item;
  readonly meta: DocumentMeta;
  readonly score: number;
}

/**
 * The question-answering service every front end (CLI, terminal chat, Telegram) uses.
 * One instance per process; safe to call concurrently.
 */
export interface QaService {
  ask(question: string, options?: AskOptions): Promise<Answer>;
  /** The parsed corpus the current index was built from (documents and items, for listings and item lookups). */
  corpus(): Corpus;
  search(query: string, limit: number): Promise<readonly ItemHit[]>;
  about(): AboutInfo;
  /** Rebuilds the index from seeds while answers keep coming from the old one, then swaps. */
  reindex(): Promise<ReindexReport>;
}

/** What a rebuild did: the new index's size, and every file that was skipped or needs a look. */
export interface ReindexReport {
  readonly documents: number;
  readonly items: number;
  readonly ms: number;
  readonly problems: readonly IngestProblem[];
}
