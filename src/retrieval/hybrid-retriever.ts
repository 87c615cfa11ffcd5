/**
 * Hybrid search over items: BM25 on words, BM25 on character bigrams and dense vectors,
 * fused by rank; explicit references resolved first; results deduplicated per item.
 * Plain classes only, so that answering a question loads no LangChain (see
 * langchain-retriever.ts for this search as a LangChain retriever).
 */
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import type { Corpus, DocumentMeta, Item } from "../corpus/types.ts";
import type { VectorSearch } from "../index/vector-shards.ts";
import { timeSlicer } from "../util/time-slice.ts";
import { FUSION_DEFAULTS, fuseRanks, type RankedList } from "./fusion.ts";
import type { LexicalIndex } from "./lexical-index.ts";
import type { PassageTable } from "./passage-table.ts";
import type { TextAnalyzer } from "./text-analysis.ts";

/** Searches a warm-up runs (see HybridRetriever.warm), and how much of a passage each takes. */
const WARM_SEARCHES = 8;
const WARM_CHARS = 40;

/** Search settings; `candidates` is how deep each list is read before fusion. */
export const RETRIEVAL_DEFAULTS = { ...FUSION_DEFAULTS, candidates: 60, documentLift: 0.25 } as const;

/**
 * What to search for: the analysed question's text and expansions, plus what the answer
 * stage knows about it — the documents it points at, an extra lift per item (its kind's),
 * and an item it names, which goes first.
 */
export interface SearchRequest {
  readonly text: string;
  readonly expansions?: readonly string[];
  /** Documents the question points at: their items get a small lift. */
  readonly documents?: readonly string[];
  /** An extra lift for an item, in units of 1/k of the fusion. */
  readonly lift?: (item: Item, meta: DocumentMeta) => number;
  /** An item the question names explicitly: it goes first, marked `referenced`. */
  readonly pinned?: Item | null;
}
export type RetrievalOptions = { -readonly [K in keyof typeof RETRIEVAL_DEFAULTS]: number };

/** One item found by search. */
export interface ScoredItem {
  readonly item: Item;
  readonly meta: DocumentMeta;
  /** Fused score, comparable only within one question. */
  readonly score: number;
  /** Which passage of the item matched best (its text without the context line). */
  readonly passage: string;
  /** True when the question named this item explicitly. */
  readonly referenced: boolean;
}

/** What a search reports besides the items, for the answer stage's confidence checks. */
export interface SearchResult {
  readonly items: ScoredItem[];
}

/** The dense half of search: the passages' vectors, and the model that embeds questions. */
export interface DenseSearch {
  readonly graph: Promise<VectorSearch>;
  readonly embeddings: EmbeddingsInterface;
}

export interface HybridRetrieverInput {
  corpus: Corpus;
  passages: PassageTable;
  analyzer: TextAnalyzer;
  lexical: LexicalIndex;
  /**
   * Vectors of the passages (label = passage number) and the model that made them; the
   * graph may still be loading (a search waits for it).
   */
  dense?: DenseSearch;
  options?: Partial<RetrievalOptions>;
}

export class HybridRetriever {
  private readonly corpus: Corpus;
  private readonly passages: PassageTable;
  private readonly analyzer: TextAnalyzer;
  private readonly lexical: LexicalIndex;
  private readonly dense?: DenseSearch;
  private readonly options: RetrievalOptions;

  constructor(input: HybridRetrieverInput) {
    this.corpus = input.corpus;
    this.passages = input.passages;
    this.analyzer = input.analyzer;
    this.lexical = input.lexical;
    this.dense = input.dense;
    this.options = { ...RETRIEVAL_DEFAULTS, ...input.options };
  }

  /**
   * Resolves when the first search would wait for nothing: a large index's ranking workers
   * have opened their tables, and a few searches of the corpus's own text have run, one task
   * each. The first questions after a start otherwise ran code not yet compiled, on both
   * threads: at 2,000 circulars the first question's words took 17 ms to rank, and 3 ms on
   * a second pass over the questions; after eight searches of passage text, 7.5–8.7 ms.
   * Queries made of the index's own terms, without the analyser, left it at 16–27 ms: code
   * compiles for the shapes it meets.
   */
  async warm(): Promise<void> {
    await this.lexical.ready();
    const n = this.passages.size;
    const searches = Math.min(WARM_SEARCHES, n);
    const slices = timeSlicer(0);
    for (let k = 0; k < searches; k++) {
      // Evenly spaced passages, cut to a question's length.
      await this.search({ text: this.passages.chunkText(Math.floor(((k + 0.5) * n) / searches)).slice(0, WARM_CHARS) });
      await slices.pause();
    }
  }

  /**
   * Searches and returns up to `limit` distinct items, best first. `meanwhile` runs on this
   * thread once the rankings are under way: a large index's worker threads rank while this
   * one would wait for them (a small index has ranked everything here by then).
   */
  async search(request: SearchRequest, limit = 10, meanwhile?: () => void): Promise<SearchResult> {
    const o = this.options;
    const question = request.text;
    const terms = this.analyzer.analyzeQuery(question, request.expansions);
    // The vectors first: a large index searches them in a worker, and ranks its words and
    // bigrams in two others, while this thread is free (a small index does all three here).
    let vectors: Promise<RankedList> | undefined;
    if (this.dense && o.dense > 0) {
      const vector = await this.dense.embeddings.embedQuery(question);
      const graph = await this.dense.graph;
      vectors = Promise.resolve(graph.search(vector, o.candidates)).then((hits) => ({
        ranking: hits.map((h) => ({ index: h.label, score: 1 - h.distance })),
        weight: o.dense,
      }));
      // Should the ranking throw first, a later failure here is not left unhandled (it is awaited below otherwise).
      vectors.catch(() => {});
    }
    const lexical = this.lexical.search(terms, o.candidates);
    lexical.catch(() => {});
    meanwhile?.();
    const lex = await lexical;
    const dense = await vectors;
    const lists: RankedList[] = [
      { ranking: lex.words, weight: o.words },
      { ranking: lex.bigrams, weight: o.bigrams },
      { ranking: lex.coverage, weight: o.coverage },
      ...(dense ? [dense] : []),
    ];
    const fused = fuseRanks(lists, o.k);

    // Documents the question points at get a small lift; the question's kind may add its own.
    const pointed = new Set(request.documents ?? []);
    const best = new Map<number, { score: number; passage: number }>();
    for (const [index, score] of fused) {
      const { item, meta } = this.passages.item(index);
      let lift = pointed.has(meta.file) ? o.documentLift / o.k : 0;
      if (request.lift) lift += request.lift(item, meta) / o.k;
      const total = score + lift;
      const key = this.passages.itemIndex(index);
      const prev = best.get(key);
      if (!prev || total > prev.score) best.set(key, { score: total, passage: index });
    }
    const order = [...best.values()].sort((a, b) => b.score - a.score || a.passage - b.passage);
    // Passage texts only for the items returned: each is read from its item (and at
    // 10,000 circulars from the file), and fusion ranks up to four lists' worth.
    const found = (v: { score: number; passage: number }): ScoredItem => {
      const { item, meta } = this.passages.item(v.passage);
      return { item, meta, score: v.score, passage: this.passages.chunkText(v.passage), referenced: false };
    };

    const named = request.pinned;
    if (named) {
      const meta = this.corpus.documents.find((d) => d.meta.file === named.file)!.meta;
      const top = order[0]?.score ?? 1;
      const rest = order.filter((v) => this.passages.item(v.passage).item !== named).slice(0, limit - 1);
      const first: ScoredItem = { item: named, meta, score: top + 1 / o.k, passage: named.text, referenced: true };
      return { items: [first, ...rest.map(found)].slice(0, limit) };
    }
    return { items: order.slice(0, limit).map(found) };
  }
}
