/**
 * Hybrid search over items: BM25 on words, BM25 on character bigrams and dense vectors,
 * fused by rank; explicit references resolved first; results deduplicated per item.
 */
import { Document } from "@langchain/core/documents";
import type { EmbeddingsInterface } from "@langchain/core/embeddings";
import { BaseRetriever, type BaseRetrieverInput } from "@langchain/core/retrievers";
import type { VectorStoreInterface } from "@langchain/core/vectorstores";
import type { Corpus, DocumentMeta, Item } from "../corpus/types.ts";
import { FUSION_DEFAULTS, fuseRanks, type RankedList } from "./fusion.ts";
import type { LexicalIndex } from "./lexical-index.ts";
import type { PassageMetadata } from "./passages.ts";
import type { TextAnalyzer } from "./text-analysis.ts";

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

export interface HybridRetrieverInput extends BaseRetrieverInput {
  corpus: Corpus;
  passages: readonly Document<PassageMetadata>[];
  analyzer: TextAnalyzer;
  lexical: LexicalIndex;
  dense?: { store: VectorStoreInterface; embeddings: EmbeddingsInterface };
  options?: Partial<RetrievalOptions>;
  /** How many items `invoke` returns. */
  k?: number;
}

export class HybridRetriever extends BaseRetriever {
  lc_namespace = ["policybot", "retrieval"];
  static override lc_name() {
    return "HybridRetriever";
  }

  private readonly corpus: Corpus;
  private readonly passages: readonly Document<PassageMetadata>[];
  private readonly analyzer: TextAnalyzer;
  private readonly lexical: LexicalIndex;
  private readonly dense?: { store: VectorStoreInterface; embeddings: EmbeddingsInterface };
  private readonly options: RetrievalOptions;
  private readonly k: number;
  private readonly items = new Map<string, { item: Item; meta: DocumentMeta }>();
  private readonly passageIndex = new Map<string, number>();

  constructor(input: HybridRetrieverInput) {
    super(input);
    this.corpus = input.corpus;
    this.passages = input.passages;
    this.analyzer = input.analyzer;
    this.lexical = input.lexical;
    this.dense = input.dense;
    this.options = { ...RETRIEVAL_DEFAULTS, ...input.options };
    this.k = input.k ?? 10;
    for (const doc of this.corpus.documents) for (const item of doc.items) this.items.set(`${item.file}#${item.order}`, { item, meta: doc.meta });
    this.passages.forEach((p, i) => this.passageIndex.set(`${p.metadata.itemKey}/${p.metadata.chunk}`, i));
  }

  /** LangChain hook: the top items as Documents whose metadata carries the citation. */
  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    const result = await this.search({ text: query }, this.k);
    return result.items.map(
      (s) =>
        new Document({
          pageContent: s.item.text,
          metadata: { file: s.item.file, label: s.item.label, title: s.meta.title, docNumber: s.meta.docNumber, responsible: s.item.responsible, score: s.score },
        }),
    );
  }

  /** Searches and returns up to `limit` distinct items, best first. */
  async search(request: SearchRequest, limit = this.k): Promise<SearchResult> {
    const o = this.options;
    const question = request.text;
    const terms = this.analyzer.analyzeQuery(question, request.expansions);
    const lex = this.lexical.rank(terms, o.candidates);
    const lists: RankedList[] = [
      { ranking: lex.words, weight: o.words },
      { ranking: lex.bigrams, weight: o.bigrams },
      { ranking: lex.coverage, weight: o.coverage },
    ];
    if (this.dense && o.dense > 0) {
      const vector = await this.dense.embeddings.embedQuery(question);
      const hits = await this.dense.store.similaritySearchVectorWithScore(vector, o.candidates);
      const ranking = hits
        .map(([doc, score]) => ({ index: this.passageIndex.get(`${doc.metadata.itemKey}/${doc.metadata.chunk}`) ?? -1, score }))
        .filter((h) => h.index >= 0);
      lists.push({ ranking, weight: o.dense });
    }
    const fused = fuseRanks(lists, o.k);

    // Documents the question points at get a small lift; the question's kind may add its own.
    const pointed = new Set(request.documents ?? []);
    const best = new Map<string, { score: number; passage: number }>();
    for (const [index, score] of fused) {
      const meta = this.passages[index]!.metadata;
      let lift = pointed.has(meta.file) ? o.documentLift / o.k : 0;
      if (request.lift) {
        const { item, meta: doc } = this.items.get(meta.itemKey)!;
        lift += request.lift(item, doc) / o.k;
      }
      const total = score + lift;
      const prev = best.get(meta.itemKey);
      if (!prev || total > prev.score) best.set(meta.itemKey, { score: total, passage: index });
    }
    let ranked = [...best.entries()]
      .sort((a, b) => b[1].score - a[1].score || a[1].passage - b[1].passage)
      .map(([key, v]): ScoredItem => {
        const { item, meta } = this.items.get(key)!;
        const text = this.passages[v.passage]!.pageContent;
        return { item, meta, score: v.score, passage: text.slice(text.indexOf("\n") + 1), referenced: false };
      });

    const named = request.pinned;
    if (named) {
      const key = `${named.file}#${named.order}`;
      const meta = this.items.get(key)!.meta;
      const top = ranked[0]?.score ?? 1;
      ranked = [{ item: named, meta, score: top + 1 / o.k, passage: named.text, referenced: true }, ...ranked.filter((r) => `${r.item.file}#${r.item.order}` !== key)];
    }

    return { items: ranked.slice(0, limit) };
  }
}
