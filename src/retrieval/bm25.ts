/**
 * Okapi BM25 over pre-tokenised passages, serialisable to JSON for the on-disk index.
 */

/** BM25 parameters; b is low because items are short and similar in length. */
export const BM25_DEFAULTS = { k1: 1.2, b: 0.5 } as const;

/** The serialised form. */
export interface Bm25Data {
  readonly k1: number;
  readonly b: number;
  readonly docLengths: number[];
  /** term → [docIndex, termFrequency, docIndex, termFrequency, …] */
  readonly postings: Record<string, number[]>;
}

export class Bm25Index {
  private readonly avgLength: number;
  private readonly idf = new Map<string, number>();

  private constructor(private readonly data: Bm25Data) {
    const n = data.docLengths.length;
    this.avgLength = n === 0 ? 0 : data.docLengths.reduce((a, b) => a + b, 0) / n;
    for (const [term, postings] of Object.entries(data.postings)) {
      const df = postings.length / 2;
      this.idf.set(term, Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    }
  }

  /** Builds an index over token lists (one per passage). */
  static build(docs: readonly (readonly string[])[], params: { k1: number; b: number } = BM25_DEFAULTS): Bm25Index {
    const postings: Record<string, number[]> = Object.create(null);
    docs.forEach((tokens, d) => {
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [t, f] of tf) (postings[t] ??= []).push(d, f);
    });
    return new Bm25Index({ ...params, docLengths: docs.map((d) => d.length), postings });
  }

  static fromJSON(data: Bm25Data): Bm25Index {
    return new Bm25Index(data);
  }

  toJSON(): Bm25Data {
    return this.data;
  }

  get size(): number {
    return this.data.docLengths.length;
  }

  /** Inverse document frequency of a term (0 when unseen). */
  idfOf(term: string): number {
    return this.idf.get(term) ?? 0;
  }

  /**
   * Share of the query each passage contains, by IDF weight (0…1): a passage holding
   * every distinct query term scores 1 however often it repeats them. BM25 saturates per
   * term but still lets one frequent term outweigh two missing ones; this does not.
   */
  coverage(query: ReadonlyMap<string, number>): Float64Array {
    const covered = new Float64Array(this.data.docLengths.length);
    let total = 0;
    for (const [term, weight] of query) {
      const list = this.data.postings[term];
      if (!list || weight <= 0) continue;
      const w = this.idf.get(term)! * weight;
      total += w;
      for (let i = 0; i < list.length; i += 2) covered[list[i]!]! += w;
    }
    if (total > 0) for (let d = 0; d < covered.length; d++) covered[d]! /= total;
    return covered;
  }

  /** Scores every passage for weighted query terms (term → weight, e.g. 1 for typed words, less for expansions). */
  score(query: ReadonlyMap<string, number>): Float64Array {
    const { k1, b, docLengths, postings } = this.data;
    const scores = new Float64Array(docLengths.length);
    for (const [term, weight] of query) {
      const list = postings[term];
      if (!list || weight <= 0) continue;
      const w = this.idf.get(term)! * weight;
      for (let i = 0; i < list.length; i += 2) {
        const d = list[i]!;
        const f = list[i + 1]!;
        const norm = f + k1 * (1 - b + (b * docLengths[d]!) / (this.avgLength || 1));
        scores[d]! += (w * (f * (k1 + 1))) / norm;
      }
    }
    return scores;
  }
}
