/**
 * Postings lists in compact binary form: the terms back to back in one UTF-8 blob with
 * an open-addressing hash table over them (found in one or two probes; loading builds no
 * map of a million strings, and building sorts nothing), and per term the documents that
 * hold it as varint-coded gaps, with the term's frequency in each when wanted. A
 * 10,000-circular corpus has tens of millions of postings; as JavaScript arrays they
 * would take gigabytes, here a few bytes each.
 */
import type { Sections, SectionArray } from "../index/binary-sections.ts";
import { SectionFormatError } from "../index/binary-sections.ts";
import { Uint32Index, Uint32List, varintBytes, writeVarint } from "../util/uint32-index.ts";

/** The arrays a postings index consists of (see {@link Postings.sections}). */
export interface PostingsArrays {
  /** Terms in id order, UTF-8, back to back. */
  readonly termBytes: Uint8Array;
  /** Start of term i in termBytes; length terms + 1. */
  readonly termStart: Uint32Array;
  /** Hash table: slot → term id + 1, 0 for empty; a power of two, at least twice the terms. */
  readonly termSlots: Uint32Array;
  /** Varint-coded lists: (doc gap, frequency) pairs, or doc gaps alone. */
  readonly listBytes: Uint8Array;
  /** Start of term i's list in listBytes; length terms + 1. */
  readonly listStart: Uint32Array;
  /** Number of documents holding term i. */
  readonly docFreq: Uint32Array;
}

/** FNV-1a over the term's UTF-16 code units: fixed, so tables built anywhere agree. */
function termHash(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Accumulates documents' terms; `finish` encodes them. Documents are numbered in the
 * order added. Terms are numbered as they come (one- and two-unit terms, most of them,
 * through typed tables), each document is kept as its sorted (term, frequency) pairs in
 * flat typed arrays, and `finish` writes every list in two passes: a build of 400,000
 * passages makes no per-term JavaScript arrays.
 */
export class PostingsBuilder {
  private readonly singles = new Int32Array(65536).fill(-1);
  private readonly pairs = new Uint32Index();
  private readonly pairIds = new Uint32List();
  private readonly longer = new Map<string, number>();
  private readonly terms: string[] = [];
  /** Per document, its distinct term ids ascending, and their frequencies. */
  private readonly docTerms = new Uint32List(1 << 20);
  private readonly docFreqs = new Uint32List(1 << 20);
  private readonly docStart = new Uint32List();
  private scratch = new Uint32Array(1024);

  constructor(private readonly withFrequencies: boolean) {
    this.docStart.push(0);
  }

  private idOf(term: string): number {
    if (term.length === 1) {
      const unit = term.charCodeAt(0);
      let id = this.singles[unit]!;
      if (id < 0) this.singles[unit] = id = this.newTerm(term);
      return id;
    }
    if (term.length === 2) {
      const local = this.pairs.add(((term.charCodeAt(0) << 16) | term.charCodeAt(1)) >>> 0);
      if (local === this.pairIds.length) this.pairIds.push(this.newTerm(term));
      return this.pairIds.get(local);
    }
    let id = this.longer.get(term);
    if (id === undefined) this.longer.set(term, (id = this.newTerm(term)));
    return id;
  }

  private newTerm(term: string): number {
    this.terms.push(term);
    return this.terms.length - 1;
  }

  /** Adds the next document's terms (repeats count as frequency). */
  add(terms: readonly string[]): void {
    if (terms.length > this.scratch.length) this.scratch = new Uint32Array(terms.length * 2);
    const ids = this.scratch.subarray(0, terms.length);
    for (let i = 0; i < terms.length; i++) ids[i] = this.idOf(terms[i]!);
    ids.sort();
    for (let i = 0; i < ids.length; ) {
      let j = i + 1;
      while (j < ids.length && ids[j] === ids[i]) j++;
      this.docTerms.push(ids[i]!);
      this.docFreqs.push(j - i);
      i = j;
    }
    this.docStart.push(this.docTerms.length);
  }

  finish(): Postings {
    const n = this.terms.length;
    const docTerms = this.docTerms.view();
    const docFreqs = this.docFreqs.view();
    const docStart = this.docStart.view();
    const docs = docStart.length - 1;

    // Pass 1: each list's length in bytes, and each term's document count.
    const docFreq = new Uint32Array(n);
    const bytes = new Float64Array(n);
    const last = new Int32Array(n).fill(-1);
    for (let d = 0; d < docs; d++) {
      for (let k = docStart[d]!; k < docStart[d + 1]!; k++) {
        const id = docTerms[k]!;
        bytes[id]! += varintBytes(d - last[id]!) + (this.withFrequencies ? varintBytes(docFreqs[k]!) : 0);
        last[id] = d;
        docFreq[id]!++;
      }
    }
    const listStart = new Uint32Array(n + 1);
    for (let id = 0; id < n; id++) listStart[id + 1] = listStart[id]! + bytes[id]!;
    // Pass 2: the lists themselves.
    const listBytes = new Uint8Array(listStart[n]!);
    const cursor = Float64Array.from(listStart.subarray(0, n));
    last.fill(-1);
    for (let d = 0; d < docs; d++) {
      for (let k = docStart[d]!; k < docStart[d + 1]!; k++) {
        const id = docTerms[k]!;
        let at = writeVarint(listBytes, cursor[id]!, d - last[id]!);
        if (this.withFrequencies) at = writeVarint(listBytes, at, docFreqs[k]!);
        cursor[id] = at;
        last[id] = d;
      }
    }

    const termStart = new Uint32Array(n + 1);
    this.terms.forEach((t, id) => (termStart[id + 1] = termStart[id]! + Buffer.byteLength(t, "utf8")));
    const termBytes = Buffer.alloc(termStart[n]!);
    this.terms.forEach((t, id) => termBytes.write(t, termStart[id]!, "utf8"));
    let size = 1024;
    while (size < 2 * n) size *= 2;
    const termSlots = new Uint32Array(size);
    this.terms.forEach((t, id) => {
      let at = termHash(t) & (size - 1);
      while (termSlots[at] !== 0) at = (at + 1) & (size - 1);
      termSlots[at] = id + 1;
    });
    return new Postings(
      { termBytes: new Uint8Array(termBytes.buffer, termBytes.byteOffset, termBytes.byteLength), termStart, termSlots, listBytes, listStart, docFreq },
      this.withFrequencies,
    );
  }
}

export class Postings {
  private readonly termText: Buffer;

  constructor(
    readonly arrays: PostingsArrays,
    readonly withFrequencies: boolean,
  ) {
    const { termBytes, termSlots, docFreq } = arrays;
    if (termSlots.length < 2 * docFreq.length || (termSlots.length & (termSlots.length - 1)) !== 0) {
      throw new SectionFormatError("term table has the wrong size");
    }
    this.termText = Buffer.from(termBytes.buffer, termBytes.byteOffset, termBytes.byteLength);
  }

  /** Reads the arrays saved by {@link sections} under `prefix`. */
  static fromSections(s: Sections, prefix: string, withFrequencies: boolean): Postings {
    const termStart = s.get(`${prefix}.termStart`, "u32");
    const terms = termStart.length - 1;
    const listStart = s.get(`${prefix}.listStart`, "u32", terms + 1);
    const arrays = {
      termBytes: s.get(`${prefix}.termBytes`, "u8", termStart[terms]),
      termStart,
      termSlots: s.get(`${prefix}.termSlots`, "u32"),
      listBytes: s.get(`${prefix}.listBytes`, "u8", listStart[terms]),
      listStart,
      docFreq: s.get(`${prefix}.docFreq`, "u32", terms),
    };
    return new Postings(arrays, withFrequencies);
  }

  /** The arrays to save, named under `prefix`. */
  sections(prefix: string): Record<string, SectionArray> {
    const a = this.arrays;
    return {
      [`${prefix}.termBytes`]: a.termBytes,
      [`${prefix}.termStart`]: a.termStart,
      [`${prefix}.termSlots`]: a.termSlots,
      [`${prefix}.listBytes`]: a.listBytes,
      [`${prefix}.listStart`]: a.listStart,
      [`${prefix}.docFreq`]: a.docFreq,
    };
  }

  get terms(): number {
    return this.arrays.docFreq.length;
  }

  /** Index of `term`, or -1 when no document holds it. */
  find(term: string): number {
    const { termStart, termSlots } = this.arrays;
    const mask = termSlots.length - 1;
    const bytes = Buffer.byteLength(term, "utf8");
    // At most one pass over the table: a damaged one cannot loop.
    for (let at = termHash(term) & mask, probes = 0; termSlots[at] !== 0 && probes <= mask; at = (at + 1) & mask, probes++) {
      const id = termSlots[at]! - 1;
      const start = termStart[id]!;
      if (termStart[id + 1]! - start === bytes && this.termText.toString("utf8", start, start + bytes) === term) return id;
    }
    return -1;
  }

  /**
   * Calls `visit(doc, frequency)` for every document of term `id`, in document order
   * (frequency 1 when not stored).
   */
  forEach(id: number, visit: (doc: number, frequency: number) => void): void {
    const { listBytes, listStart } = this.arrays;
    const end = listStart[id + 1]!;
    let at = listStart[id]!;
    let doc = -1;
    while (at < end) {
      let gap = 0;
      let shift = 0;
      let b: number;
      do {
        b = listBytes[at++]!;
        gap += (b & 0x7f) * 2 ** shift;
        shift += 7;
      } while (b >= 0x80);
      doc += gap;
      let f = 1;
      if (this.withFrequencies) {
        f = 0;
        shift = 0;
        do {
          b = listBytes[at++]!;
          f += (b & 0x7f) * 2 ** shift;
          shift += 7;
        } while (b >= 0x80);
      }
      visit(doc, f);
    }
  }
}
