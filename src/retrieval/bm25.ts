/**
 * Okapi BM25 over pre-tokenised passages, with postings in binary form (postings.ts) and
 * every term's IDF computed at build time, so that loading reads arrays and computes nothing.
 */
import type { Sections, SectionArray } from "../index/binary-sections.ts";
import { Postings, PostingsBuilder } from "./postings.ts";

/** BM25 parameters; b is low because items are short and similar in length. */
export const BM25_DEFAULTS = { k1: 1.2, b: 0.5 } as const;

/** Per-document sums a query adds up; `touched` lists, once each, the documents it reached. */
export interface Accumulators {
  readonly scores: Float64Array;
  readonly covered: Float64Array;
  readonly touched: number[];
}

export class Bm25Index {
  private readonly avgLength: number;

  private constructor(
    private readonly postings: Postings,
    private readonly docLengths: Uint32Array,
    /** IDF of each term, by the postings' term index. */
    private readonly idf: Float64Array,
    readonly params: { readonly k1: number; readonly b: number },
  ) {
    const n = docLengths.length;
    let total = 0;
    for (const l of docLengths) total += l;
    this.avgLength = n === 0 ? 0 : total / n;
  }

  /** Builds an index over token lists (one per passage). */
  static build(docs: Iterable<readonly string[]>, params: { k1: number; b: number } = BM25_DEFAULTS): Bm25Index {
    const builder = new Bm25Builder(params);
    for (const tokens of docs) builder.add(tokens);
    return builder.finish();
  }

  /** @internal Used by {@link Bm25Builder}. */
  static fromPostings(postings: Postings, lengths: readonly number[], params: { k1: number; b: number }): Bm25Index {
    const n = lengths.length;
    const idf = Float64Array.from(postings.arrays.docFreq, (df) => Math.log(1 + (n - df + 0.5) / (df + 0.5)));
    return new Bm25Index(postings, Uint32Array.from(lengths), idf, params);
  }

  /** Reads an index saved with {@link sections} under `prefix`. */
  static fromSections(s: Sections, prefix: string, params: { k1: number; b: number }): Bm25Index {
    const postings = Postings.fromSections(s, `${prefix}.postings`, true);
    return new Bm25Index(postings, s.get(`${prefix}.docLengths`, "u32"), s.get(`${prefix}.idf`, "f64", postings.terms), params);
  }

  sections(prefix: string): Record<string, SectionArray> {
    return { ...this.postings.sections(`${prefix}.postings`), [`${prefix}.docLengths`]: this.docLengths, [`${prefix}.idf`]: this.idf };
  }

  get size(): number {
    return this.docLengths.length;
  }

  /** Inverse document frequency of a term (0 when unseen). */
  idfOf(term: string): number {
    const id = this.postings.find(term);
    return id < 0 ? 0 : this.idf[id]!;
  }

  /** Empty accumulators for this index, to reuse across queries (see {@link accumulate}). */
  accumulators(): Accumulators {
    return { scores: new Float64Array(this.size), covered: new Float64Array(this.size), touched: [] };
  }

  /**
   * Adds a query's BM25 scores and IDF-weighted coverage into `acc` for the documents its
   * terms reach (term → weight, e.g. 1 for typed words, less for expansions). Coverage is
   * the share of the query each passage holds (0…1, divided through before returning): a
   * passage holding every distinct query term scores 1 however often it repeats them.
   * BM25 saturates per term but still lets one frequent term outweigh two missing ones;
   * coverage does not. Reset with {@link clear}.
   */
  accumulate(query: ReadonlyMap<string, number>, acc: Accumulators): void {
    const { k1, b } = this.params;
    const { docLengths, avgLength } = this;
    const { scores, covered, touched } = acc;
    let total = 0;
    for (const [term, weight] of query) {
      const id = this.postings.find(term);
      if (id < 0 || weight <= 0) continue;
      const w = this.idf[id]! * weight;
      total += w;
      this.postings.forEach(id, (d, f) => {
        if (covered[d] === 0) touched.push(d);
        const norm = f + k1 * (1 - b + (b * docLengths[d]!) / (avgLength || 1));
        scores[d]! += (w * (f * (k1 + 1))) / norm;
        covered[d]! += w;
      });
    }
    if (total > 0) for (const d of touched) covered[d]! /= total;
  }

  /** Zeroes what {@link accumulate} wrote. */
  clear(acc: Accumulators): void {
    for (const d of acc.touched) {
      acc.scores[d] = 0;
      acc.covered[d] = 0;
    }
    acc.touched.length = 0;
  }

  /** BM25 scores of every passage for weighted query terms. */
  score(query: ReadonlyMap<string, number>): Float64Array {
    const acc = this.accumulators();
    this.accumulate(query, acc);
    return acc.scores;
  }

  /** Coverage of the query by every passage (see {@link accumulate}). */
  coverage(query: ReadonlyMap<string, number>): Float64Array {
    const acc = this.accumulators();
    this.accumulate(query, acc);
    return acc.covered;
  }
}

/** Builds a {@link Bm25Index} one passage at a time, so that token lists need not all be held. */
export class Bm25Builder {
  private readonly postings = new PostingsBuilder(true);
  private readonly lengths: number[] = [];

  constructor(private readonly params: { k1: number; b: number } = BM25_DEFAULTS) {}

  add(tokens: readonly string[]): void {
    this.postings.add(tokens);
    this.lengths.push(tokens.length);
  }

  finish(): Bm25Index {
    return Bm25Index.fromPostings(this.postings.finish(), this.lengths, this.params);
  }
}
