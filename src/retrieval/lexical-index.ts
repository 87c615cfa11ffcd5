/**
 * The lexical side of search: BM25 over jieba words and BM25 over character bigrams,
 * built over the same passages as the vector index, saved as one binary file.
 *
 * A large saved index can rank its words in a worker thread (decode's `wordsInWorker`):
 * `search` then asks the worker for the words, ranks the bigrams here meanwhile, and the
 * caller searches the vectors before awaiting it. The results are the same numbers; only
 * the thread differs. Should the worker fail, the words are ranked here from then on.
 */
import { encodeSections, Sections } from "../index/binary-sections.ts";
import { Bm25Builder, Bm25Index, BM25_DEFAULTS } from "./bm25.ts";
import type { TextAnalyzer } from "./text-analysis.ts";
import type { Ranked } from "./top-k.ts";
import { WorkerRanker } from "./worker-ranker.ts";

/** Passage indices ranked by each lexical family, best first, with their scores. */
export interface LexicalRanking {
  readonly words: Ranked[];
  readonly bigrams: Ranked[];
  /** Passages by the share of the query's bigrams they contain (see Bm25Index.accumulate). */
  readonly coverage: Ranked[];
}

/** A query's weighted terms of each family. */
export interface LexicalQuery {
  readonly words: ReadonlyMap<string, number>;
  readonly bigrams: ReadonlyMap<string, number>;
}

/** The two families of terms, as the saved file names their sections. */
export type LexicalFamily = "words" | "bigrams";

/** What the saved file holds; the version changes with its layout. */
const FILE_KIND = "policybot-lexical/2";

/** BM25 parameters as saved in the file's header (the defaults for files that predate them). */
function paramsOf(meta: unknown): { k1: number; b: number } {
  const m = meta as { k1?: unknown; b?: unknown };
  return typeof m?.k1 === "number" && typeof m.b === "number" ? { k1: m.k1, b: m.b } : BM25_DEFAULTS;
}

/** Workers of indexes no longer referenced, stopped (an engine replaced by a reindex just goes out of use). */
const idleWorkers = new FinalizationRegistry<WorkerRanker>((ranker) => void ranker.close());

export class LexicalIndex {
  /** The words ranked by a worker thread (their tables are then not held here), and, should it fail, here. */
  private remoteWords?: { readonly ranker: WorkerRanker; readonly file: string; here?: Promise<Bm25Index> };

  private constructor(
    private readonly wordIndex: Bm25Index | undefined,
    private readonly bigramIndex: Bm25Index,
  ) {}

  /** Builds the index over passage texts, in passage order. */
  static build(passages: Iterable<string>, analyzer: TextAnalyzer): LexicalIndex {
    const words = new Bm25Builder();
    const bigrams = new Bm25Builder();
    for (const text of passages) {
      const terms = analyzer.analyze(text);
      words.add(terms.words);
      bigrams.add(terms.bigrams);
    }
    return new LexicalIndex(words.finish(), bigrams.finish());
  }

  /**
   * Reads a saved index: from bytes in memory, or from its file, whose postings lists
   * then stay on disk and are read as questions need them. With `wordsInWorker` (a file
   * only), the words are ranked by a worker thread that opens the file itself.
   * @throws {SectionFormatError} when it is not one.
   */
  static async decode(
    saved: Buffer | { readonly file: string },
    options: { readonly wordsInWorker?: boolean } = {},
  ): Promise<LexicalIndex> {
    if (Buffer.isBuffer(saved) || !options.wordsInWorker) {
      const s = Buffer.isBuffer(saved)
        ? Sections.decode(saved, FILE_KIND)
        : await Sections.open(saved.file, FILE_KIND, (name) => name.endsWith(".lists"));
      const params = paramsOf(s.meta);
      return new LexicalIndex(Bm25Index.fromSections(s, "words", params), Bm25Index.fromSections(s, "bigrams", params));
    }
    const index = new LexicalIndex(undefined, await LexicalIndex.openFamily(saved.file, "bigrams"));
    const ranker = new WorkerRanker(saved.file, "words");
    index.remoteWords = { ranker, file: saved.file };
    idleWorkers.register(index, ranker);
    return index;
  }

  /** One family of a saved index, from its file: only that family's tables are read, its lists stay on disk. */
  static async openFamily(file: string, family: LexicalFamily): Promise<Bm25Index> {
    const s = await Sections.open(file, FILE_KIND, (name) => name.endsWith(".lists") || !name.startsWith(`${family}.`));
    return Bm25Index.fromSections(s, family, paramsOf(s.meta));
  }

  /** The saved form, as buffers to write in order (only for an index holding both families). */
  encode(): Buffer[] {
    const words = this.wordsHere();
    return encodeSections(FILE_KIND, words.params, {
      ...words.sections("words"),
      ...this.bigramIndex.sections("bigrams"),
    });
  }

  get size(): number {
    return this.bigramIndex.size;
  }

  /** Ranks passages for analysed query terms: the best `limit` of each family (on this thread: not for words in a worker). */
  rank(query: LexicalQuery, limit: number): LexicalRanking {
    const bigrams = this.bigramIndex.rank(query.bigrams, limit);
    return { words: this.wordsHere().rank(query.words, limit, false).scores, bigrams: bigrams.scores, coverage: bigrams.coverage };
  }

  /**
   * As {@link rank}, with the words ranked by the worker when there is one: the request is
   * sent and the bigrams ranked before this returns, so the caller can search the vectors
   * while the worker works, then await the result.
   */
  async search(query: LexicalQuery, limit: number): Promise<LexicalRanking> {
    const remote = this.remoteWords;
    if (!remote) return this.rank(query, limit);
    const words = remote.ranker.rank(query.words, limit, false).catch(async () => {
      remote.here ??= LexicalIndex.openFamily(remote.file, "words");
      return (await remote.here).rank(query.words, limit, false);
    });
    const bigrams = this.bigramIndex.rank(query.bigrams, limit);
    return { words: (await words).scores, bigrams: bigrams.scores, coverage: bigrams.coverage };
  }

  /**
   * Resolves once the worker, if any, has opened its tables (it answers requests in order,
   * so an empty one comes back then), so that no question waits for it; a worker that
   * failed is not waited for (the words are then ranked here).
   */
  async ready(): Promise<void> {
    await this.remoteWords?.ranker.rank(new Map(), 1, false).catch(() => {});
  }

  /** Where the words are ranked: in a worker thread, or on this one (always, or since the worker failed). */
  get wordsRankedIn(): "worker" | "this thread" {
    return this.remoteWords && !this.remoteWords.here ? "worker" : "this thread";
  }

  /** Stops the worker, if any (the words are then ranked on this thread). */
  async close(): Promise<void> {
    await this.remoteWords?.ranker.close();
  }

  private wordsHere(): Bm25Index {
    if (!this.wordIndex) throw new Error("this index ranks its words in a worker thread: use search()");
    return this.wordIndex;
  }
}
