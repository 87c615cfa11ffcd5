/**
 * The lexical side of search: BM25 over jieba words and BM25 over character bigrams,
 * built over the same passages as the vector index, saved as one binary file.
 *
 * A large saved index ranks each family in a worker thread (decode's `inWorkers`):
 * `search` then sends both requests, and the caller searches the vectors before awaiting
 * them, while the answering thread is free for other chats. The results are the same
 * numbers; only the thread differs. Should a worker fail, its family is ranked here from
 * then on.
 */
import { encodeSections, Sections } from "../index/binary-sections.ts";
import { Bm25Builder, Bm25Index, BM25_DEFAULTS, type Bm25Ranking } from "./bm25.ts";
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

/** One family ranked by a worker thread (its tables are then not held here), and, should the worker fail, here. */
interface RemoteFamily {
  readonly ranker: WorkerRanker;
  readonly file: string;
  readonly family: LexicalFamily;
  here?: Promise<Bm25Index>;
}

/** Where a family is ranked: its tables here, or a worker. */
type Family = Bm25Index | RemoteFamily;

export class LexicalIndex {
  private constructor(
    private readonly words: Family,
    private readonly bigrams: Family,
    /** Number of passages. */
    readonly size: number,
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
    const built = bigrams.finish();
    return new LexicalIndex(words.finish(), built, built.size);
  }

  /**
   * Reads a saved index: from bytes in memory, or from its file, whose postings lists
   * then stay on disk and are read as questions need them. With `inWorkers` (a file
   * only), each family is ranked by a worker thread that opens the file itself, and this
   * thread reads only the header (the passage count).
   * @throws {SectionFormatError} when it is not one.
   */
  static async decode(saved: Buffer | { readonly file: string }, options: { readonly inWorkers?: boolean } = {}): Promise<LexicalIndex> {
    if (Buffer.isBuffer(saved) || !options.inWorkers) {
      const s = Buffer.isBuffer(saved)
        ? Sections.decode(saved, FILE_KIND)
        : await Sections.open(saved.file, FILE_KIND, (name) => name.endsWith(".lists"));
      const params = paramsOf(s.meta);
      const bigrams = Bm25Index.fromSections(s, "bigrams", params);
      return new LexicalIndex(Bm25Index.fromSections(s, "words", params), bigrams, bigrams.size);
    }
    const header = await Sections.open(saved.file, FILE_KIND, () => true);
    const remote = (family: LexicalFamily): RemoteFamily => ({ ranker: new WorkerRanker(saved.file, family), file: saved.file, family });
    const words = remote("words");
    const bigrams = remote("bigrams");
    const index = new LexicalIndex(words, bigrams, header.count("bigrams.docLengths", "u32"));
    for (const f of [words, bigrams]) idleWorkers.register(index, f.ranker);
    return index;
  }

  /** One family of a saved index, from its file: only that family's tables are read, its lists stay on disk. */
  static async openFamily(file: string, family: LexicalFamily): Promise<Bm25Index> {
    const s = await Sections.open(file, FILE_KIND, (name) => name.endsWith(".lists") || !name.startsWith(`${family}.`));
    return Bm25Index.fromSections(s, family, paramsOf(s.meta));
  }

  /** The saved form, as buffers to write in order (only for an index holding both families). */
  encode(): Buffer[] {
    const words = here(this.words);
    return encodeSections(FILE_KIND, words.params, {
      ...words.sections("words"),
      ...here(this.bigrams).sections("bigrams"),
    });
  }

  /** Ranks passages for analysed query terms: the best `limit` of each family (on this thread: not for an index ranked in workers). */
  rank(query: LexicalQuery, limit: number): LexicalRanking {
    const bigrams = here(this.bigrams).rank(query.bigrams, limit);
    return { words: here(this.words).rank(query.words, limit, false).scores, bigrams: bigrams.scores, coverage: bigrams.coverage };
  }

  /**
   * As {@link rank}, each family ranked by its worker when there is one: the requests are
   * sent before this returns, so the caller can search the vectors while the workers
   * work, then await the result.
   */
  async search(query: LexicalQuery, limit: number): Promise<LexicalRanking> {
    const words = rankFamily(this.words, query.words, limit, false);
    const bigrams = rankFamily(this.bigrams, query.bigrams, limit, true);
    const [w, b] = await Promise.all([words, bigrams]);
    return { words: w.scores, bigrams: b.scores, coverage: b.coverage };
  }

  /**
   * Resolves once the workers, if any, have opened their tables (a worker answers
   * requests in order, so an empty one comes back then), so that no question waits for
   * them; a worker that failed is not waited for (its family is then ranked here).
   */
  async ready(): Promise<void> {
    await Promise.all(
      [this.words, this.bigrams].map((f) => (f instanceof Bm25Index ? undefined : f.ranker.rank(new Map(), 1, false).catch(() => {}))),
    );
  }

  /** Where a family is ranked: in a worker thread, or on this one (always, or since its worker failed). */
  rankedIn(family: LexicalFamily): "worker" | "this thread" {
    const f = family === "words" ? this.words : this.bigrams;
    return f instanceof Bm25Index || f.here ? "this thread" : "worker";
  }

  /** Stops the workers, if any (the families are then ranked on this thread). */
  async close(): Promise<void> {
    await Promise.all([this.words, this.bigrams].map((f) => (f instanceof Bm25Index ? undefined : f.ranker.close())));
  }
}

/** A family's tables held here. */
function here(f: Family): Bm25Index {
  if (!(f instanceof Bm25Index)) throw new Error("this index ranks its terms in worker threads: use search()");
  return f;
}

/** One family ranked: here, or by its worker (and here should the worker fail). */
function rankFamily(
  f: Family,
  terms: ReadonlyMap<string, number>,
  limit: number,
  withCoverage: boolean,
): Promise<Bm25Ranking> | Bm25Ranking {
  if (f instanceof Bm25Index) return f.rank(terms, limit, withCoverage);
  return f.ranker.rank(terms, limit, withCoverage).catch(async () => {
    f.here ??= LexicalIndex.openFamily(f.file, f.family);
    return (await f.here).rank(terms, limit, withCoverage);
  });
}
