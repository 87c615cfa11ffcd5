/**
 * Okapi BM25 over pre-tokenised passages, with postings in binary form (postings.ts)
 * and every term's document frequency counted at build time, so that loading reads
 * arrays and computes nothing.
 *
 * Ranking gives exactly the top k of scoring every passage (same scores, same order,
 * ties by passage number) without decoding every list (MaxScore): terms are taken from
 * the most to the least they can add to a score, and before each long list (a common
 * term, low weight) the search checks whether all terms left together could still
 * lift a passage into the top k; when not, it stops, completes only the passages that
 * could still get there by looking them up in the lists left, block by block, and sums
 * the few near each top k again term by term in query order, so every score is the
 * same number, to the last bit, as scoring every list in query order gives. A question
 * of common words only scores every list, as before.
 */
import type { SectionArray, Sections } from "../index/binary-sections.ts";
import { Postings, PostingsBuilder } from "./postings.ts";
import { topK, type Ranked } from "./top-k.ts";

/** BM25 parameters; b is low because items are short and similar in length. */
export const BM25_DEFAULTS = { k1: 1.2, b: 0.5 } as const;

/** A term of a query, found in the index. */
interface QueryTerm {
  readonly id: number;
  /** IDF × the query's weight for it. */
  readonly w: number;
  readonly df: number;
}

/** Rankings of one query: by BM25 score, and by the IDF-weighted share of the query a passage holds. */
export interface Bm25Ranking {
  readonly scores: Ranked[];
  readonly coverage: Ranked[];
}

/**
 * Lists longer than this share of the passages, and than LONG_LIST_MIN, are "long": before
 * each, the search checks whether it can stop; a query without long lists scores them
 * all, in query order. At 2,000 circulars (77,000 passages) a floor of 8,192 ranked in
 * 80 % of the time 16,384 took, and 4,096 in 160 % (finishing the passages still in reach
 * then costs more than the lists skipped); measured with the dev, train and probe questions.
 */
const LONG_LIST_SHARE = 1 / 64;
const LONG_LIST_MIN = 8192;

/** Per passage sums of one query (reused between queries: a query runs synchronously). */
interface Accumulators {
  readonly scores: Float64Array;
  readonly covered: Float64Array;
  /**
   * The passages summed so far, in the order first touched: the first `count` entries. A
   * typed array, not a JavaScript array: pushing onto one of hundreds of thousands of
   * numbers cost 35 ns a posting against 5 ns for the whole sum (a standalone loop).
   */
  readonly touched: Uint32Array;
  count: number;
  /** The largest score and covered weight summed so far: no top-k floor can be above them. */
  maxScore: number;
  maxCovered: number;
}

/** The passages summed so far (the first `count` of `touched`). */
const touchedSoFar = (acc: Accumulators): Uint32Array => acc.touched.subarray(0, acc.count);

/** A bound made safe against rounding: sums taken in another order may differ in the last bits. */
const loose = (x: number) => x * (1 + 1e-9) + 1e-9;

/** Sum of the values whose term is not done. */
function sumLeft(values: readonly number[], done: Uint8Array): number {
  let sum = 0;
  values.forEach((v, k) => {
    if (!done[k]) sum += v;
  });
  return sum;
}

export class Bm25Index {
  private readonly avgLength: number;
  private norms: Float64Array | undefined;
  private scratch: Accumulators | undefined;
  /** One mark per passage, all clear between queries (see inReach). */
  private marks: Uint8Array | undefined;
  /** Per passage, 1 + its place among the docs of a lookup, 0 between lookups (see lookupAll). */
  private positions: Uint32Array | undefined;

  private constructor(
    private readonly postings: Postings,
    private readonly docLengths: Uint32Array,
    /** Per term with blocks (Postings.arrays.blockTerms order): max over its postings of f·(k1+1)/(f + norm). */
    private readonly maxImpact: Float64Array,
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

  /** @internal Used by {@link Bm25Builder}: computes each long list's maximum impact. */
  static fromPostings(postings: Postings, lengths: readonly number[], params: { k1: number; b: number }): Bm25Index {
    const index = new Bm25Index(postings, Uint32Array.from(lengths), new Float64Array(postings.arrays.blockTerms.length), params);
    const norms = index.docNorm();
    const { k1 } = params;
    postings.arrays.blockTerms.forEach((id, k) => {
      let max = 0;
      decode(postings.list(id), (d, f) => {
        max = Math.max(max, (f * (k1 + 1)) / (f + norms[d]!));
      });
      index.maxImpact[k] = max;
    });
    return index;
  }

  /** Reads an index saved with {@link sections} under `prefix`. */
  static fromSections(s: Sections, prefix: string, params: { k1: number; b: number }): Bm25Index {
    const postings = Postings.fromSections(s, `${prefix}.postings`);
    const maxImpact = s.get(`${prefix}.maxImpact`, "f64", postings.arrays.blockTerms.length);
    return new Bm25Index(postings, s.get(`${prefix}.docLengths`, "u32"), maxImpact, params);
  }

  sections(prefix: string): Record<string, SectionArray> {
    return {
      ...this.postings.sections(`${prefix}.postings`),
      [`${prefix}.docLengths`]: this.docLengths,
      [`${prefix}.maxImpact`]: this.maxImpact,
    };
  }

  get size(): number {
    return this.docLengths.length;
  }

  /** Inverse document frequency of a term (0 when unseen). */
  idfOf(term: string): number {
    const id = this.postings.find(term);
    return id < 0 ? 0 : this.idf(this.postings.arrays.docFreq[id]!);
  }

  private idf(df: number): number {
    const n = this.docLengths.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** Per passage, k1 · (1 − b + b · length / average length): the part of BM25's denominator that does not depend on the term. */
  private docNorm(): Float64Array {
    if (!this.norms) {
      const { k1, b } = this.params;
      const avg = this.avgLength || 1;
      // A plain loop: Float64Array.from with a mapping function took 70 ms for 387,000 passages.
      const norms = new Float64Array(this.docLengths.length);
      for (let d = 0; d < norms.length; d++) norms[d] = k1 * (1 - b + (b * this.docLengths[d]!) / avg);
      this.norms = norms;
    }
    return this.norms;
  }

  /** The query's terms found in the index, in query order (term → weight; typed words 1, expansions less). */
  private terms(query: ReadonlyMap<string, number>): QueryTerm[] {
    const out: QueryTerm[] = [];
    for (const [term, weight] of query) {
      const id = this.postings.find(term);
      if (id < 0 || weight <= 0) continue;
      const df = this.postings.arrays.docFreq[id]!;
      out.push({ id, w: this.idf(df) * weight, df });
    }
    return out;
  }

  /**
   * The best `limit` passages by BM25 score, and by coverage: the IDF-weighted share of
   * the query's distinct terms a passage holds (0…1; a passage holding every term scores
   * 1 however often it repeats them — BM25 saturates per term but still lets one
   * frequent term outweigh two missing ones; coverage does not). Best first, ties by
   * passage number; only passages scoring above 0. Exactly what scoring every passage
   * term by term in query order gives (see the module comment for how it avoids that).
   */
  rank(query: ReadonlyMap<string, number>, limit: number, withCoverage = true): Bm25Ranking {
    const terms = this.terms(query);
    if (terms.length === 0 || limit <= 0) return { scores: [], coverage: [] };
    let total = 0;
    for (const t of terms) total += t.w;
    const long = Math.max(this.size * LONG_LIST_SHARE, LONG_LIST_MIN);
    if (terms.every((t) => t.df <= long)) return this.rankEveryList(terms, total, limit, withCoverage);
    const { k1 } = this.params;
    // What each term can add at most to a passage's score (its covered weight is at most w).
    const bound = terms.map((t) => (this.postings.blocks(t.id) ? t.w * this.maxImpact[this.blockIndex(t.id)]! : t.w * (k1 + 1)));
    const weights = terms.map((t) => t.w);
    const order = terms.map((_, k) => k).sort((a, b) => bound[b]! - bound[a]! || a - b);
    const done = new Uint8Array(terms.length);
    const acc = this.accumulators();
    try {
      let stopped = false;
      let scoreFloor = -Infinity;
      let coverFloor = withCoverage ? -Infinity : Infinity;
      // What the terms left can add at the last check: the floors cost a pass over every
      // passage touched, so they are taken again only once that has shrunk by a quarter
      // (when to stop changes nothing in the result, only how much is read).
      let leftAtCheck = Infinity;
      for (const k of order) {
        if (acc.count >= limit && terms[k]!.df > long) {
          // Before a long list: can the terms left still lift a passage into either top k?
          const scoreLeft = loose(sumLeft(bound, done));
          const coverLeft = withCoverage ? loose(sumLeft(weights, done)) : -Infinity;
          // A floor is at most the largest sum so far: while what is left reaches that, no floor can stop the reading.
          const mayStop = scoreLeft < acc.maxScore && coverLeft < acc.maxCovered;
          if (mayStop && scoreLeft < CHECK_AGAIN * leftAtCheck) {
            leftAtCheck = scoreLeft;
            scoreFloor = kthLargest(acc.touched, acc.scores, acc.count, limit);
            if (withCoverage) coverFloor = kthLargest(acc.touched, acc.covered, acc.count, limit);
            if (scoreLeft < scoreFloor && coverLeft < coverFloor) {
              stopped = true;
              break;
            }
          }
        }
        this.accumulate([terms[k]!], acc, withCoverage);
        done[k] = 1;
      }
      let finalists: number[];
      if (stopped) {
        let scoreLeft = loose(sumLeft(bound, done));
        let coverLeft = withCoverage ? loose(sumLeft(weights, done)) : -Infinity;
        const candidates = this.inReach(acc, { scoreLeft, scoreFloor, coverLeft, coverFloor });
        // Sums so far were taken in bound order (and lack the terms left): complete them a
        // term at a time, in bound order, dropping after each the passages that the terms
        // still left can no longer lift into either top k (the floors: the k-th largest
        // partial sums among those at or above the last floor; sums only grow, so at least
        // k are, and that is at most the k-th largest of all); then keep the passages near
        // each top k and sum those again in query order, exactly. The candidates and their
        // sums are compacted in place by plain loops: with 100,000 candidates, mapping
        // `from`s, `filter` and index arrays took half of a slow question's ranking at
        // 10,000 circulars.
        let n = candidates.length;
        let sFloor = scoreFloor;
        let cFloor = withCoverage ? coverFloor : Infinity;
        const scores = new Float64Array(n);
        const covered = new Float64Array(n);
        for (let i = 0; i < n; i++) {
          scores[i] = acc.scores[candidates[i]!]!;
          covered[i] = acc.covered[candidates[i]!]!;
        }
        for (const k of order) {
          if (done[k]) continue;
          this.addTerms([terms[k]!], candidates.subarray(0, n), { scores, covered });
          done[k] = 1;
          if (n <= limit) continue;
          scoreLeft = loose(sumLeft(bound, done));
          if (withCoverage) coverLeft = loose(sumLeft(weights, done));
          sFloor = floorAbove(scores, n, limit, sFloor);
          if (withCoverage) cFloor = floorAbove(covered, n, limit, cFloor);
          let kept = 0;
          for (let i = 0; i < n; i++) {
            if (scores[i]! + scoreLeft < sFloor && covered[i]! + coverLeft < cFloor) continue;
            candidates[kept] = candidates[i]!;
            scores[kept] = scores[i]!;
            covered[kept++] = covered[i]!;
          }
          n = kept;
        }
        const near = new Set(nearTop(null, scores, n, limit));
        if (withCoverage) for (const i of nearTop(null, covered, n, limit)) near.add(i);
        finalists = [...near].sort((a, b) => a - b).map((i) => candidates[i]!);
      } else {
        // Every list was read: the sums are complete (taken in bound order); keep the
        // passages near each top k and sum those again in query order, exactly.
        const near = new Set(nearTop(acc.touched, acc.scores, acc.count, limit));
        if (withCoverage) for (const d of nearTop(acc.touched, acc.covered, acc.count, limit)) near.add(d);
        finalists = [...near].sort((a, b) => a - b);
      }
      const exact = this.scoreExactly(terms, Uint32Array.from(finalists));
      const positions = Uint32Array.from(finalists.keys());
      const toPassages = (ranked: Ranked[]) => ranked.map((r) => ({ index: finalists[r.index]!, score: r.score }));
      if (withCoverage && total > 0) for (let i = 0; i < exact.covered.length; i++) exact.covered[i]! /= total;
      return {
        scores: toPassages(topK(positions, exact.scores, limit)),
        coverage: withCoverage ? toPassages(topK(positions, exact.covered, limit)) : [],
      };
    } finally {
      this.clear(acc);
    }
  }

  /** Every list scored, term by term in query order: short lists only, where skipping would gain nothing. */
  private rankEveryList(terms: readonly QueryTerm[], total: number, limit: number, withCoverage: boolean): Bm25Ranking {
    const acc = this.accumulators();
    try {
      this.accumulate(terms, acc, withCoverage);
      const touched = touchedSoFar(acc);
      if (!withCoverage) return { scores: topK(touched, acc.scores, limit), coverage: [] };
      if (total > 0) for (const d of touched) acc.covered[d]! /= total;
      return { scores: topK(touched, acc.scores, limit), coverage: topK(touched, acc.covered, limit) };
    } finally {
      this.clear(acc);
    }
  }

  /**
   * The touched passages that the terms left can still lift to a floor, ascending. Tens of
   * thousands may pass: past a sixteenth of the passages they are marked and read back in
   * order rather than sorted. (The test is written out here: as a callback it cost a call
   * per passage touched.)
   */
  private inReach(
    acc: Accumulators,
    { scoreLeft, scoreFloor, coverLeft, coverFloor }: { scoreLeft: number; scoreFloor: number; coverLeft: number; coverFloor: number },
  ): Uint32Array {
    const { scores, covered, touched, count } = acc;
    const reach = new Uint32Array(count);
    let n = 0;
    for (let i = 0; i < count; i++) {
      const d = touched[i]!;
      if (scores[d]! + scoreLeft >= scoreFloor || covered[d]! + coverLeft >= coverFloor) reach[n++] = d;
    }
    if (n * 16 < this.size) return reach.subarray(0, n).sort();
    const marks = (this.marks ??= new Uint8Array(this.size));
    for (let i = 0; i < n; i++) marks[reach[i]!] = 1;
    for (let d = 0, i = 0; i < n; d++) {
      if (marks[d]) {
        reach[i++] = d;
        marks[d] = 0;
      }
    }
    return reach.subarray(0, n);
  }

  /** Full scores and covered weights of the passages (ascending), summed term by term in query order as scoring every list does. */
  private scoreExactly(terms: readonly QueryTerm[], docs: Uint32Array): { scores: Float64Array; covered: Float64Array } {
    const sums = { scores: new Float64Array(docs.length), covered: new Float64Array(docs.length) };
    this.addTerms(terms, docs, sums);
    return sums;
  }

  /** Adds each term's BM25 score and weight, in the order given, to the sums of the passages (ascending) that hold it. */
  private addTerms(terms: readonly QueryTerm[], docs: Uint32Array, sums: { scores: Float64Array; covered: Float64Array }): void {
    const { k1 } = this.params;
    const norms = this.docNorm();
    for (const t of terms) {
      const f = this.lookup(t.id, docs);
      for (let i = 0; i < docs.length; i++) {
        if (f[i] === 0) continue;
        sums.scores[i]! += (t.w * (f[i]! * (k1 + 1))) / (f[i]! + norms[docs[i]!]!);
        sums.covered[i]! += t.w;
      }
    }
  }

  /**
   * The frequency of term `id` in each of the ascending `docs` (0 where absent), skipping
   * blocks that hold none of them (or by lookupAll, when the docs are many for the list).
   * `docs` is always a Uint32Array: a plain array as well made its reads polymorphic, and
   * lookups twice as slow.
   */
  private lookup(id: number, docs: Uint32Array): Uint32Array {
    if (docs.length * DENSE_LOOKUP >= this.postings.arrays.docFreq[id]!) return this.lookupAll(id, docs);
    const out = new Uint32Array(docs.length);
    const bytes = this.postings.list(id);
    const blocks = this.postings.blocks(id);
    const hasBlocks = blocks !== undefined;
    // A list without blocks is read as one block.
    const [firstBlock, endBlock] = blocks ?? [0, 1];
    const { blockLast, blockEnd } = this.postings.arrays;
    let i = 0;
    for (let b = firstBlock; b < endBlock && i < docs.length; b++) {
      if (hasBlocks && blockLast[b]! < docs[i]!) continue;
      const first = b === firstBlock;
      const start = first ? 0 : blockEnd[b - 1]!;
      const end = hasBlocks ? blockEnd[b]! : bytes.length;
      // decode() inlined, as in accumulate: one decoder into scratch arrays shared by both
      // ranked slower in each of 8 A/B runs at 2,000 circulars (by 8 to 47 %). The block's
      // (gap, frequency) pairs, merged with the docs.
      let d = first ? -1 : blockLast[b - 1]!;
      for (let at = start; at < end && i < docs.length; ) {
        let c = bytes[at++]!;
        let gap = c & 0x7f;
        for (let shift = 7; c >= 0x80; shift += 7) gap |= ((c = bytes[at++]!) & 0x7f) << shift;
        d += gap;
        c = bytes[at++]!;
        let f = c & 0x7f;
        for (let shift = 7; c >= 0x80; shift += 7) f |= ((c = bytes[at++]!) & 0x7f) << shift;
        while (i < docs.length && docs[i]! < d) i++;
        if (docs[i] === d) out[i] = f;
      }
    }
    return out;
  }

  /** As {@link lookup}, decoding the whole list and finding each posting's place among the docs by a map. */
  private lookupAll(id: number, docs: Uint32Array): Uint32Array {
    const out = new Uint32Array(docs.length);
    const at = (this.positions ??= new Uint32Array(this.size));
    for (let i = 0; i < docs.length; i++) at[docs[i]!] = i + 1;
    const bytes = this.postings.list(id);
    // decode() inlined, as in accumulate and lookup (a callback per posting costs more than the work).
    let d = -1;
    for (let p = 0; p < bytes.length; ) {
      let c = bytes[p++]!;
      let gap = c & 0x7f;
      for (let shift = 7; c >= 0x80; shift += 7) gap |= ((c = bytes[p++]!) & 0x7f) << shift;
      d += gap;
      c = bytes[p++]!;
      let f = c & 0x7f;
      for (let shift = 7; c >= 0x80; shift += 7) f |= ((c = bytes[p++]!) & 0x7f) << shift;
      const i = at[d]!;
      if (i !== 0) out[i - 1] = f;
    }
    for (let i = 0; i < docs.length; i++) at[docs[i]!] = 0;
    return out;
  }

  private blockIndex(id: number): number {
    const terms = this.postings.arrays.blockTerms;
    let lo = 0;
    let hi = terms.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (terms[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private freshAccumulators(): Accumulators {
    const n = this.size;
    return { scores: new Float64Array(n), covered: new Float64Array(n), touched: new Uint32Array(n), count: 0, maxScore: 0, maxCovered: 0 };
  }

  private accumulators(): Accumulators {
    this.scratch ??= this.freshAccumulators();
    return this.scratch;
  }

  /**
   * Adds the terms' BM25 scores and weights (covered) into the per-passage sums for every
   * passage their lists hold, term by term in the given order.
   */
  private accumulate(terms: readonly QueryTerm[], acc: Accumulators, withCoverage = true): void {
    const k1p1 = this.params.k1 + 1;
    const norms = this.docNorm();
    const { scores, covered, touched } = acc;
    let { count, maxScore, maxCovered } = acc;
    for (const t of terms) {
      const w = t.w;
      const bytes = this.postings.list(t.id);
      // decode() inlined: a callback per posting costs several times the sum it makes
      // (half of a question's time at 2,000 circulars went to the calls).
      let d = -1;
      for (let at = 0; at < bytes.length; ) {
        let b = bytes[at++]!;
        let gap = b & 0x7f;
        for (let shift = 7; b >= 0x80; shift += 7) gap |= ((b = bytes[at++]!) & 0x7f) << shift;
        d += gap;
        b = bytes[at++]!;
        let f = b & 0x7f;
        for (let shift = 7; b >= 0x80; shift += 7) f |= ((b = bytes[at++]!) & 0x7f) << shift;
        // Every score added is above 0, so a passage is new while its score is 0.
        if (scores[d] === 0) touched[count++] = d;
        const score = (scores[d]! += (w * (f * k1p1)) / (f + norms[d]!));
        if (score > maxScore) maxScore = score;
        // Without coverage the covered weights stay 0: one array fewer to touch per posting.
        if (withCoverage) {
          const cover = (covered[d]! += w);
          if (cover > maxCovered) maxCovered = cover;
        }
      }
    }
    acc.count = count;
    acc.maxScore = maxScore;
    acc.maxCovered = maxCovered;
  }

  private clear(acc: Accumulators): void {
    for (const d of touchedSoFar(acc)) {
      acc.scores[d] = 0;
      acc.covered[d] = 0;
    }
    acc.count = 0;
    acc.maxScore = 0;
    acc.maxCovered = 0;
  }

  /** BM25 scores of every passage for weighted query terms (for comparisons and tests). */
  score(query: ReadonlyMap<string, number>): Float64Array {
    const out = new Float64Array(this.size);
    const acc = { ...this.freshAccumulators(), scores: out };
    this.accumulate(this.terms(query), acc);
    return out;
  }

  /** Coverage of the query by every passage (see {@link rank}). */
  coverage(query: ReadonlyMap<string, number>): Float64Array {
    const terms = this.terms(query);
    const acc = this.freshAccumulators();
    this.accumulate(terms, acc);
    let total = 0;
    for (const t of terms) total += t.w;
    if (total > 0) for (const d of touchedSoFar(acc)) acc.covered[d]! /= total;
    return acc.covered;
  }
}

/** Calls visit(doc, frequency) for each varint pair of a list (or a block of one, starting after `before`). */
function decode(bytes: Uint8Array, visit: (doc: number, frequency: number) => void, before = -1): void {
  let d = before;
  for (let at = 0; at < bytes.length; ) {
    let b = bytes[at++]!;
    let gap = b & 0x7f;
    for (let shift = 7; b >= 0x80; shift += 7) gap |= ((b = bytes[at++]!) & 0x7f) << shift;
    d += gap;
    b = bytes[at++]!;
    let f = b & 0x7f;
    for (let shift = 7; b >= 0x80; shift += 7) f |= ((b = bytes[at++]!) & 0x7f) << shift;
    visit(d, f);
  }
}

/**
 * A term is looked up for docs numbering at least 1/DENSE_LOOKUP of its postings by
 * decoding its whole list and placing each posting by a map (lookupAll), not by merging
 * block by block: the blocks skip nothing then, and the merge costs more per posting.
 * Over 367 queries captured at 10,000 circulars, alternated in one process: ranking took
 * 7–9 % less time at 8 to 64 (32: words 7,548 → 6,926 ms, bigrams 8,272 → 7,657 ms for
 * three passes), and 27 % more with the map always; at 2,000, 6 % less at 32. The results
 * were the same.
 */
const DENSE_LOOKUP = 32;

/** Floors are taken again once the most the terms left can add falls below this share of what it was at the last check. */
const CHECK_AGAIN = 0.75;

/**
 * The positions i < n whose value (values[at[i]], or values[i] without `at`) is within
 * rounding of the k-th largest or above: every passage that an exact sum could place in
 * the top k. Returns what `at` holds there, or the positions themselves without it.
 */
function nearTop(at: Uint32Array | null, values: Float64Array, n: number, k: number): number[] {
  const out: number[] = [];
  const floor = n <= k ? -Infinity : kthLargest(at, values, n, k);
  const tolerance = Math.abs(floor) * 1e-12 + 1e-12;
  for (let i = 0; i < n; i++) {
    const which = at ? at[i]! : i;
    if (values[which]! >= floor - tolerance) out.push(which);
  }
  return out;
}

/** Scratch space for quickselect, kept between calls: a question reads tens of thousands of sums. */
let selectBuffer = new Float64Array(0);

/** Scratch space for the values at or above a floor (see floorAbove). */
let aboveBuffer = new Float64Array(0);

/**
 * The k-th largest of the first n values among those at or above `lower` (`lower` when
 * fewer than k are): a floor no higher than the k-th largest of all, taken over the few
 * near the top. Selecting over every candidate after each term was a fifth of ranking a
 * question's bigrams at 10,000 circulars, where 100,000 candidates were no rarity.
 */
function floorAbove(values: Float64Array, n: number, k: number, lower: number): number {
  const m = gatherAbove(null, values, n, lower);
  return m < k ? lower : select(null, aboveBuffer, m, k);
}

/** Copies the first n values (or values[at[i]]) at or above `lower` into aboveBuffer; returns how many. */
function gatherAbove(at: Uint32Array | null, values: Float64Array, n: number, lower: number): number {
  if (aboveBuffer.length < n) aboveBuffer = new Float64Array(Math.ceil(n * 1.5));
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = values[at ? at[i]! : i]!;
    if (v >= lower) aboveBuffer[m++] = v;
  }
  return m;
}

/** Below this many values the k-th largest is selected among all of them. */
const SELECT_ALL_UNDER = 8192;
/** Values sampled, evenly spaced, to place a first floor (see kthLargest). */
const FLOOR_SAMPLE = 1024;
/** Scratch space for the sample. */
const sampleBuffer = new Float64Array(FLOOR_SAMPLE);

/**
 * The k-th largest (k ≤ n) of the first n values, or of values[at[i]] for i < n. Among
 * many, an evenly spaced sample places a floor that about 8k of them reach; the k-th
 * largest is selected among those at or above it (among all, should fewer than k be).
 * Exact either way. Gathering and selecting over every sum touched was a fifth of ranking
 * a question's bigrams at 10,000 circulars, where 200,000 sums were no rarity.
 */
function kthLargest(at: Uint32Array | null, values: Float64Array, n: number, k: number): number {
  if (n < SELECT_ALL_UNDER) return select(at, values, n, k);
  for (let j = 0; j < FLOOR_SAMPLE; j++) {
    const i = Math.floor(((j + 0.5) * n) / FLOOR_SAMPLE);
    sampleBuffer[j] = values[at ? at[i]! : i]!;
  }
  const lower = select(null, sampleBuffer, FLOOR_SAMPLE, Math.min(FLOOR_SAMPLE, Math.ceil((8 * k * FLOOR_SAMPLE) / n)));
  const m = gatherAbove(at, values, n, lower);
  return m < k ? select(at, values, n, k) : select(null, aboveBuffer, m, k);
}

/** The k-th largest (k ≤ n) of the first n values, or of values[at[i]] for i < n, by quickselect over them all. */
function select(at: Uint32Array | null, values: Float64Array, n: number, k: number): number {
  if (selectBuffer.length < n) selectBuffer = new Float64Array(Math.ceil(n * 1.5));
  const a = selectBuffer.subarray(0, n);
  if (at) for (let i = 0; i < n; i++) a[i] = values[at[i]!]!;
  else a.set(values.subarray(0, n));
  let lo = 0;
  let hi = a.length - 1;
  const target = k - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! > pivot) i++;
      while (a[j]! < pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else break;
  }
  return a[target]!;
}

/** Builds a {@link Bm25Index} one passage at a time, so that token lists need not all be held. */
export class Bm25Builder {
  private readonly postings = new PostingsBuilder();
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
