/**
 * Postings lists in compact binary form: the terms sorted in one UTF-8 blob (found by
 * binary search, so loading builds no map of a million strings), and per term the
 * documents that hold it as varint-coded gaps, with the term's frequency in each when
 * wanted. A 10,000-circular corpus has tens of millions of postings; as JavaScript
 * arrays they would take gigabytes, here a few bytes each.
 */
import type { Sections, SectionArray } from "../index/binary-sections.ts";

/** The arrays a postings index consists of (see {@link Postings.sections}). */
export interface PostingsArrays {
  /** Terms in code-unit order, UTF-8, back to back. */
  readonly termBytes: Uint8Array;
  /** Start of term i in termBytes; length terms + 1. */
  readonly termStart: Uint32Array;
  /** Varint-coded lists: (doc gap, frequency) pairs, or doc gaps alone. */
  readonly listBytes: Uint8Array;
  /** Start of term i's list in listBytes; length terms + 1. */
  readonly listStart: Uint32Array;
  /** Number of documents holding term i. */
  readonly docFreq: Uint32Array;
}

/** Accumulates documents' terms; `finish` encodes them. Documents are numbered in the order added. */
export class PostingsBuilder {
  private readonly ids = new Map<string, number>();
  /** Per term: doc, frequency, doc, frequency, … */
  private readonly lists: number[][] = [];
  private docs = 0;

  constructor(private readonly withFrequencies: boolean) {}

  /** Adds the next document's terms (repeats count as frequency). */
  add(terms: Iterable<string>): void {
    const doc = this.docs++;
    const tf = new Map<number, number>();
    for (const term of terms) {
      let id = this.ids.get(term);
      if (id === undefined) {
        id = this.lists.length;
        this.ids.set(term, id);
        this.lists.push([]);
      }
      tf.set(id, (tf.get(id) ?? 0) + 1);
    }
    for (const [id, f] of tf) {
      const list = this.lists[id]!;
      list.push(doc);
      if (this.withFrequencies) list.push(f);
    }
  }

  get documents(): number {
    return this.docs;
  }

  finish(): Postings {
    const terms = [...this.ids.keys()].sort();
    const termChunks: Buffer[] = [];
    const termStart = new Uint32Array(terms.length + 1);
    const docFreq = new Uint32Array(terms.length);
    const listStart = new Uint32Array(terms.length + 1);
    const out = new VarintWriter();
    let termOffset = 0;
    terms.forEach((term, i) => {
      const bytes = Buffer.from(term, "utf8");
      termChunks.push(bytes);
      termStart[i] = termOffset;
      termOffset += bytes.length;
      const list = this.lists[this.ids.get(term)!]!;
      const step = this.withFrequencies ? 2 : 1;
      docFreq[i] = list.length / step;
      listStart[i] = out.length;
      let previous = -1;
      for (let k = 0; k < list.length; k += step) {
        out.write(list[k]! - previous);
        previous = list[k]!;
        if (this.withFrequencies) out.write(list[k + 1]!);
      }
    });
    termStart[terms.length] = termOffset;
    listStart[terms.length] = out.length;
    return new Postings(
      { termBytes: new Uint8Array(Buffer.concat(termChunks)), termStart, listBytes: out.bytes(), listStart, docFreq },
      this.withFrequencies,
    );
  }
}

export class Postings {
  constructor(
    readonly arrays: PostingsArrays,
    readonly withFrequencies: boolean,
  ) {}

  /** Reads the arrays saved by {@link sections} under `prefix`. */
  static fromSections(s: Sections, prefix: string, withFrequencies: boolean): Postings {
    const termStart = s.get(`${prefix}.termStart`, "u32");
    const terms = termStart.length - 1;
    const listStart = s.get(`${prefix}.listStart`, "u32", terms + 1);
    const arrays = {
      termBytes: s.get(`${prefix}.termBytes`, "u8", termStart[terms]),
      termStart,
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
    const { termBytes, termStart } = this.arrays;
    const bytes = Buffer.from(termBytes.buffer, termBytes.byteOffset, termBytes.byteLength);
    let lo = 0;
    let hi = this.terms - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const t = bytes.toString("utf8", termStart[mid], termStart[mid + 1]);
      if (t === term) return mid;
      if (t < term) lo = mid + 1;
      else hi = mid - 1;
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

  /** The documents of term `id`, in order. */
  docs(id: number): Uint32Array {
    const out = new Uint32Array(this.arrays.docFreq[id]!);
    let i = 0;
    this.forEach(id, (doc) => (out[i++] = doc));
    return out;
  }
}

/** An append-only varint byte buffer. */
class VarintWriter {
  private buf = new Uint8Array(1 << 16);
  length = 0;

  write(value: number): void {
    if (this.length + 10 > this.buf.length) {
      const next = new Uint8Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    let v = value;
    while (v >= 0x80) {
      this.buf[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.length++] = v;
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}
