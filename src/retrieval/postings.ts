/**
 * Postings lists in compact binary form. A 10,000-circular corpus has millions of terms
 * and tens of millions of postings; as JavaScript maps and arrays they would take
 * gigabytes. Here:
 *
 * - terms of one or two UTF-16 code units (characters and bigrams, most terms) are one
 *   sorted array of 32-bit keys, found by bisection; longer terms sit back to back in a
 *   UTF-8 blob with an open-addressing hash table over them;
 * - each list is varint-coded (doc gap, frequency) pairs, read from the index file when
 *   a question needs it (a ByteSource: memory for a fresh build, the file once saved);
 * - long lists are cut into blocks with their last document and end offset, so a search
 *   can look up a few documents in them without decoding all (see Bm25Index.rank).
 *
 * Building numbers terms through typed hash tables and keeps each document as its
 * sorted (term, frequency) pairs in flat typed arrays; `finish` writes all lists in two
 * passes, making no per-term JavaScript arrays.
 */
import type { ByteSource, SectionArray, Sections } from "../index/binary-sections.ts";
import { SectionFormatError } from "../index/binary-sections.ts";
import { Uint32Index, Uint32List, varintBytes, writeVarint } from "../util/uint32-index.ts";

/** Postings per block of a long list. */
export const BLOCK = 64;

/**
 * Bytes of lists read from the file that are kept for the next questions: common terms
 * come back question after question, and re-reading a long list was a tenth of ranking.
 */
const KEPT_LIST_BYTES = 12 * 1024 * 1024;

/** The in-memory arrays of a postings index (the lists themselves are a ByteSource). */
export interface PostingsArrays {
  /** Keys of one- and two-unit terms, ascending; term i (i < shortKeys.length) has key shortKeys[i]. */
  readonly shortKeys: Uint32Array;
  /** Longer terms, UTF-8, back to back, in id order (their ids follow the short ones). */
  readonly termBytes: Uint8Array;
  /** Start of longer term j in termBytes; length longer terms + 1. */
  readonly termStart: Uint32Array;
  /** Hash table over longer terms: slot → j + 1, 0 for empty; a power of two, at least twice their number. */
  readonly termSlots: Uint32Array;
  /** Start of term i's list in the list bytes; length terms + 1. */
  readonly listStart: Uint32Array;
  /** Number of documents holding term i. */
  readonly docFreq: Uint32Array;
  /** Terms whose lists have blocks (more than BLOCK postings), ascending. */
  readonly blockTerms: Uint32Array;
  /** First block of blockTerms[k]; length blockTerms + 1. */
  readonly blockFirst: Uint32Array;
  /** Per block: its last document. */
  readonly blockLast: Uint32Array;
  /** Per block: where it ends, relative to its list's start. */
  readonly blockEnd: Uint32Array;
}

/** Key of a one- or two-unit term; pairs starting with U+0000 are treated as longer terms. */
function shortKey(term: string): number {
  if (term.length === 1) return term.charCodeAt(0);
  if (term.length === 2 && term.charCodeAt(0) !== 0) return ((term.charCodeAt(0) << 16) | term.charCodeAt(1)) >>> 0;
  return -1;
}

/** FNV-1a over the term's UTF-16 code units: fixed, so tables built anywhere agree. */
function termHash(term: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < term.length; i++) h = Math.imul(h ^ term.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** Accumulates documents' terms; `finish` encodes them. Documents are numbered in the order added. */
export class PostingsBuilder {
  private readonly shortIds = new Uint32Index();
  private readonly shortTerm = new Uint32List();
  private readonly longer = new Map<string, number>();
  /** Provisional ids: short terms are 2·k (k = their Uint32Index number), longer ones 2·j + 1. */
  private readonly longTerms: string[] = [];
  /** Per document, its distinct provisional term ids ascending, and their frequencies. */
  private readonly docTerms = new Uint32List(1 << 20);
  private readonly docFreqs = new Uint32List(1 << 20);
  private readonly docStart = new Uint32List();
  private scratch = new Uint32Array(1024);

  constructor() {
    this.docStart.push(0);
  }

  private idOf(term: string): number {
    const key = shortKey(term);
    if (key >= 0) {
      const k = this.shortIds.add(key);
      if (k === this.shortTerm.length) this.shortTerm.push(key);
      return 2 * k;
    }
    let j = this.longer.get(term);
    if (j === undefined) {
      j = this.longTerms.length;
      this.longTerms.push(term);
      this.longer.set(term, j);
    }
    return 2 * j + 1;
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
    // Final ids: short terms in key order, then longer ones in first-seen order.
    const keys = this.shortTerm.view();
    const shortKeys = keys.slice().sort();
    const shortCount = shortKeys.length;
    const n = shortCount + this.longTerms.length;
    const rankOfShort = new Uint32Array(keys.length);
    shortKeys.forEach((key, r) => (rankOfShort[this.shortIds.get(key)] = r));
    const finalOf = (prov: number) => (prov & 1 ? shortCount + (prov - 1) / 2 : rankOfShort[prov / 2]!);

    const docTerms = this.docTerms.view();
    const docFreqs = this.docFreqs.view();
    const docStart = this.docStart.view();
    const docs = docStart.length - 1;
    // Pass 1: each list's length in bytes and document count.
    const docFreq = new Uint32Array(n);
    const bytes = new Float64Array(n);
    const last = new Int32Array(n).fill(-1);
    for (let d = 0; d < docs; d++) {
      for (let k = docStart[d]!; k < docStart[d + 1]!; k++) {
        const id = finalOf(docTerms[k]!);
        bytes[id]! += varintBytes(d - last[id]!) + varintBytes(docFreqs[k]!);
        last[id] = d;
        docFreq[id]!++;
      }
    }
    const listStart = new Uint32Array(n + 1);
    let totalBytes = 0;
    for (let id = 0; id < n; id++) listStart[id + 1] = totalBytes += bytes[id]!;
    if (totalBytes >= 2 ** 32) throw new RangeError("postings lists exceed 4 GB");
    // Blocks of the long lists.
    const blockTerms: number[] = [];
    const blockFirst: number[] = [0];
    for (let id = 0; id < n; id++) {
      if (docFreq[id]! <= BLOCK) continue;
      blockTerms.push(id);
      blockFirst.push(blockFirst[blockFirst.length - 1]! + Math.ceil(docFreq[id]! / BLOCK));
    }
    const blockOf = new Int32Array(n).fill(-1);
    blockTerms.forEach((id, k) => (blockOf[id] = blockFirst[k]!));
    const blockLast = new Uint32Array(blockFirst[blockFirst.length - 1]!);
    const blockEnd = new Uint32Array(blockLast.length);
    // Pass 2: the lists themselves.
    const listBytes = new Uint8Array(listStart[n]!);
    const cursor = Float64Array.from(listStart.subarray(0, n));
    const seen = new Uint32Array(n);
    last.fill(-1);
    for (let d = 0; d < docs; d++) {
      for (let k = docStart[d]!; k < docStart[d + 1]!; k++) {
        const id = finalOf(docTerms[k]!);
        cursor[id] = writeVarint(listBytes, writeVarint(listBytes, cursor[id]!, d - last[id]!), docFreqs[k]!);
        last[id] = d;
        const count = ++seen[id]!;
        if (blockOf[id]! >= 0 && (count % BLOCK === 0 || count === docFreq[id])) {
          const block = blockOf[id]! + Math.ceil(count / BLOCK) - 1;
          blockLast[block] = d;
          blockEnd[block] = cursor[id]! - listStart[id]!;
        }
      }
    }

    const termStart = new Uint32Array(this.longTerms.length + 1);
    this.longTerms.forEach((t, j) => (termStart[j + 1] = termStart[j]! + Buffer.byteLength(t, "utf8")));
    const termBytes = Buffer.alloc(termStart[this.longTerms.length]!);
    this.longTerms.forEach((t, j) => termBytes.write(t, termStart[j]!, "utf8"));
    let size = 16;
    while (size < 2 * this.longTerms.length) size *= 2;
    const termSlots = new Uint32Array(size);
    this.longTerms.forEach((t, j) => {
      let at = termHash(t) & (size - 1);
      while (termSlots[at] !== 0) at = (at + 1) & (size - 1);
      termSlots[at] = j + 1;
    });
    const arrays: PostingsArrays = {
      shortKeys,
      termBytes: new Uint8Array(termBytes.buffer, termBytes.byteOffset, termBytes.byteLength),
      termStart,
      termSlots,
      listStart,
      docFreq,
      blockTerms: Uint32Array.from(blockTerms),
      blockFirst: Uint32Array.from(blockFirst),
      blockLast,
      blockEnd,
    };
    return new Postings(
      arrays,
      { length: listBytes.length, read: (start, length) => listBytes.subarray(start, start + length) },
      listBytes,
    );
  }
}

export class Postings {
  private readonly termText: Buffer;

  constructor(
    readonly arrays: PostingsArrays,
    /** The list bytes, read on demand. */
    private readonly lists: ByteSource,
    /** The list bytes in memory, when built here (to save them). */
    private readonly listBytes?: Uint8Array,
  ) {
    const { termBytes, termSlots, termStart, listStart, docFreq } = arrays;
    const terms = arrays.shortKeys.length + termStart.length - 1;
    const slotsOk = termSlots.length >= 2 * (termStart.length - 1) && (termSlots.length & (termSlots.length - 1)) === 0;
    if (!slotsOk || listStart.length !== terms + 1 || docFreq.length !== terms || listStart[terms] !== lists.length) {
      throw new SectionFormatError("postings tables do not fit together");
    }
    this.termText = Buffer.from(termBytes.buffer, termBytes.byteOffset, termBytes.byteLength);
  }

  /** Reads the postings saved by {@link sections} under `prefix`; the lists stay where `s` keeps them. */
  static fromSections(s: Sections, prefix: string): Postings {
    const get = (name: string) => s.get(`${prefix}.${name}`, "u32");
    const termStart = get("termStart");
    const arrays: PostingsArrays = {
      shortKeys: get("shortKeys"),
      termBytes: s.get(`${prefix}.termBytes`, "u8", termStart[termStart.length - 1]),
      termStart,
      termSlots: get("termSlots"),
      listStart: get("listStart"),
      docFreq: get("docFreq"),
      blockTerms: get("blockTerms"),
      blockFirst: get("blockFirst"),
      blockLast: get("blockLast"),
      blockEnd: get("blockEnd"),
    };
    return new Postings(arrays, s.source(`${prefix}.lists`, KEPT_LIST_BYTES));
  }

  /** The arrays to save, named under `prefix` (only for postings built in this process). */
  sections(prefix: string): Record<string, SectionArray> {
    if (!this.listBytes) throw new Error("only postings built in this process can be saved");
    const out: Record<string, SectionArray> = { [`${prefix}.lists`]: this.listBytes };
    for (const [name, array] of Object.entries(this.arrays)) out[`${prefix}.${name}`] = array as SectionArray;
    return out;
  }

  get terms(): number {
    return this.arrays.docFreq.length;
  }

  /** Id of `term`, or -1 when no document holds it. */
  find(term: string): number {
    const key = shortKey(term);
    if (key >= 0) {
      const keys = this.arrays.shortKeys;
      let lo = 0;
      let hi = keys.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (keys[mid] === key) return mid;
        if (keys[mid]! < key) lo = mid + 1;
        else hi = mid - 1;
      }
      return -1;
    }
    const { termStart, termSlots } = this.arrays;
    const mask = termSlots.length - 1;
    const bytes = Buffer.byteLength(term, "utf8");
    // At most one pass over the table: a damaged one cannot loop.
    for (let at = termHash(term) & mask, probes = 0; termSlots[at] !== 0 && probes <= mask; at = (at + 1) & mask, probes++) {
      const j = termSlots[at]! - 1;
      const start = termStart[j]!;
      if (termStart[j + 1]! - start === bytes && this.termText.toString("utf8", start, start + bytes) === term)
        return this.arrays.shortKeys.length + j;
    }
    return -1;
  }

  /** The bytes of term `id`'s list. */
  list(id: number): Uint8Array {
    const { listStart } = this.arrays;
    return this.lists.read(listStart[id]!, listStart[id + 1]! - listStart[id]!);
  }

  /** The blocks of term `id`'s list as [first, end) indices into blockLast / blockEnd, or undefined for a short list. */
  blocks(id: number): readonly [number, number] | undefined {
    const { blockTerms, blockFirst } = this.arrays;
    let lo = 0;
    let hi = blockTerms.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (blockTerms[mid] === id) return [blockFirst[mid]!, blockFirst[mid + 1]!];
      if (blockTerms[mid]! < id) lo = mid + 1;
      else hi = mid - 1;
    }
    return undefined;
  }
}
