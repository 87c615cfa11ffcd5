/**
 * Entry point of a worker thread that ranks one BM25 family of a saved lexical index
 * (worker-ranker.ts), so that a large index ranks its words and bigrams while the
 * answering thread serves other chats. It holds that family's tables only; its
 * postings lists stay in the file, as in the answering thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import type { Bm25Ranking } from "./bm25.ts";
import { LexicalIndex, type LexicalFamily } from "./lexical-index.ts";

/** A ranking asked of the worker. */
export interface RankRequest {
  readonly id: number;
  readonly terms: readonly (readonly [string, number])[];
  readonly limit: number;
  readonly withCoverage: boolean;
}

/** The worker's answer to a request. */
export type RankReply = ({ readonly id: number } & Bm25Ranking) | { readonly id: number; readonly error: string };

const { file, family } = workerData as { file: string; family: LexicalFamily };
const index = await LexicalIndex.openFamily(file, family);
const port = parentPort!;
port.on("message", (m: RankRequest) => {
  try {
    port.postMessage({ id: m.id, ...index.rank(new Map(m.terms), m.limit, m.withCoverage) } satisfies RankReply);
  } catch (err) {
    port.postMessage({ id: m.id, error: err instanceof Error ? err.message : String(err) } satisfies RankReply);
  }
});
