/**
 * Shapes of an answer, as produced by the answer stage and rendered by the chat and
 * command-line layers. The JSON form of CONTRACT §3 is derived from these. What the
 * service offers its front ends (QaService and its options and reports) is in
 * src/service/contract.ts, since the answer stage must not know the stage above it.
 */
import type { Item } from "../corpus/types.ts";
import type { KindName } from "./question/analysed-question.ts";

/** A cited item with what a reader needs to verify it. */
export interface Citation {
  readonly file: string;
  /**
   * Canonical item label ("7", "三、（八）", "附件38"), null for unnumbered text of the document.
   * The JSON of CONTRACT §3 calls it `item`; it is renamed only there (cli/ask-command.ts).
   */
  readonly label: string | null;
  readonly title: string;
  readonly docNumber: string | null;
  /** ISO date of the document, to tell newer from older. */
  readonly date: string | null;
  /** The item's kind (a table row reads 第33项, an item 第7条). */
  readonly kind?: Item["kind"];
  /** Full text of the cited item. */
  readonly text: string;
  /** What the item is about in a few words (its heading or first clause), for one-line lists. */
  readonly topic?: string;
  readonly score: number;
}

/** An item the retriever ranked, before answer selection. */
export interface RetrievedRef {
  readonly file: string;
  /** Canonical item label, as in Citation (`item` in the JSON of CONTRACT §3). */
  readonly label: string | null;
  readonly score: number;
  /** The item's text (unlabelled segments share item null; scoring needs the text to tell them apart). */
  readonly text?: string;
}

/** The kind of question, which decides the shape of the answer (src/answer/kinds/). */
export type QuestionShape = KindName;

/** A sentence quoted from a cited item as evidence for the answer. */
export interface Evidence {
  readonly quote: string;
  /** Index into `citations`. */
  readonly citation: number;
}

/** One answer to one question. */
export interface Answer {
  readonly question: string;
  readonly shape: QuestionShape;
  readonly refused: boolean;
  /** The short answer a reader sees first (the figure, the units, yes or no). */
  readonly lead: string;
  /** Sentences from the circulars that prove the lead. */
  readonly evidence: readonly Evidence[];
  /** Items the answer relies on, most relevant first; empty when refused. */
  readonly citations: readonly Citation[];
  /** When refused: at most two nearest items offered as 可能相关, never as sources. */
  readonly related: readonly Citation[];
  /** Plain-text rendering of the whole answer (lead, evidence, sources). */
  readonly text: string;
  /** Top 10 distinct items from retrieval. */
  readonly retrieved: readonly RetrievedRef[];
  /** Which path wrote the answer. */
  readonly via: "extractive" | "llm";
  /** What to remember for the next question of the same conversation. */
  readonly turn: ConversationTurn;
  readonly timings: { readonly totalMs: number; readonly retrievalMs: number };
}

/**
 * What a conversation remembers of its last turn, so that "那谁负责？" or "2021年呢？" is read
 * in context. Plain JSON: front ends keep it in their own session storage (Telegram: on disk,
 * per chat and user), and pass it back with the next question.
 */
export interface ConversationTurn {
  /** The question as it was understood (follow-ups already resolved). */
  readonly question: string;
  readonly shape: QuestionShape;
  readonly refused: boolean;
  readonly citations: readonly { readonly file: string; readonly item: string | null; readonly title: string }[];
  /** Epoch milliseconds; turns older than the front end's expiry are dropped there. */
  readonly at: number;
}
