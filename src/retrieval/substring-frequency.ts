/**
 * Document frequency of arbitrary substrings over the corpus's items: how many items'
 * normalised text (title, headings and text, no whitespace) contains a term. The
 * answer stage weighs question concepts by it. Scanning every item per new term cost a
 * quarter of query time at 2,000 circulars; here it is indexed at build time:
 *
 * - one code unit: a count per code unit, exact;
 * - two code units: the postings of that pair, exact by their length;
 * - longer terms: the postings of the term's rarest pairs intersected give the items
 *   that hold every pair, and a search in the stored texts (one UTF-16 blob, items
 *   separated by a newline, which no term contains) keeps those holding the term itself.
 *
 * Terms are compared in UTF-16 code units, as String.prototype.includes does, so the
 * count is the same as `texts.filter((t) => t.includes(term)).length`.
 */
import type { DocumentMeta, Item } from "../corpus/types.ts";
import { encodeSections, Sections } from "../index/binary-sections.ts";
import { normalizeText } from "./text-analysis.ts";

/** The text an item is counted by: its document's title, its headings and its text, normalised, without whitespace. */
export function frequencyText(meta: Pick<DocumentMeta, "title">, item: Pick<Item, "path" | "text">): string {
  return squash([meta.title, ...item.path, item.text].join(" "));
}

function squash(text: string): string {
  return normalizeText(text).replace(/\s+/g, "");
}

const FILE_KIND = "policybot-substring-frequency/1";
const SEPARATOR = "\n";
/** Distinct terms remembered between questions; the cache is cleared when full. */
const CACHE_LIMIT = 50_000;
/** Candidate lists shorter than this are verified directly rather than intersected further. */
const INTERSECT_UNTIL = 64;

const pairKey = (text: string, i: number) => ((text.charCodeAt(i) << 16) | text.charCodeAt(i + 1)) >>> 0;

export class SubstringFrequency {
  private readonly cache = new Map<string, number>();
  private readonly blob: Buffer;

  private constructor(
    /** Start of item i's text in the blob, in code units; length items + 1. */
    private readonly textStart: Uint32Array,
    blob: Uint8Array,
    /** Items holding each code unit. */
    private readonly unitCount: Uint32Array,
    /** Code-unit pairs (high unit << 16 | low unit), ascending. */
    private readonly pairs: Uint32Array,
    private readonly pairStart: Uint32Array,
    private readonly pairBytes: Uint8Array,
    private readonly pairCount: Uint32Array,
  ) {
    // Searching UTF-16 needs 2-byte alignment (Node's search on an odd offset never returns).
    const aligned = blob.byteOffset % 2 === 0 ? blob : new Uint8Array(blob);
    this.blob = Buffer.from(aligned.buffer, aligned.byteOffset, aligned.byteLength);
  }

  /** Indexes item texts (see {@link frequencyText}), in item order. */
  static build(texts: Iterable<string>): SubstringFrequency {
    // The texts, back to back: what later passes read and what verification searches.
    const chunks: Buffer[] = [];
    const starts: number[] = [0];
    let units = 0;
    for (const text of texts) {
      chunks.push(Buffer.from(text + SEPARATOR, "utf16le"));
      units += text.length + 1;
      starts.push(units);
    }
    const blob = Buffer.concat(chunks);
    chunks.length = 0;
    const textStart = Uint32Array.from(starts);
    const items = textStart.length - 1;
    const textOf = (i: number) => blob.toString("utf16le", textStart[i]! * 2, (textStart[i + 1]! - 1) * 2);

    // Pass 1: how many items hold each unit and each pair.
    const unitCount = new Uint32Array(65536);
    const counts = new Map<number, number>();
    const distinct = (text: string) => {
      const keys = new Set<number>();
      for (let k = 0; k + 1 < text.length; k++) keys.add(pairKey(text, k));
      return keys;
    };
    const seen = new Set<number>();
    for (let i = 0; i < items; i++) {
      const text = textOf(i);
      seen.clear();
      for (let k = 0; k < text.length; k++) seen.add(text.charCodeAt(k));
      for (const unit of seen) unitCount[unit]!++;
      for (const key of distinct(text)) counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    // Pass 2: the items of each pair, then coded as varint gaps.
    const pairs = Uint32Array.from(counts.keys()).sort();
    const slot = new Map<number, number>();
    const offset = new Float64Array(pairs.length + 1);
    pairs.forEach((key, p) => {
      slot.set(key, p);
      offset[p + 1] = offset[p]! + counts.get(key)!;
    });
    counts.clear();
    const flat = new Uint32Array(offset[pairs.length]!);
    const cursor = offset.slice(0, pairs.length);
    for (let i = 0; i < items; i++) for (const key of distinct(textOf(i))) flat[cursor[slot.get(key)!]!++] = i;
    const pairCount = new Uint32Array(pairs.length);
    const pairStart = new Uint32Array(pairs.length + 1);
    const bytes: number[] = [];
    let out = new Uint8Array(1 << 16);
    let length = 0;
    for (let p = 0; p < pairs.length; p++) {
      pairStart[p] = length;
      pairCount[p] = offset[p + 1]! - offset[p]!;
      let previous = -1;
      for (let k = offset[p]!; k < offset[p + 1]!; k++) {
        bytes.length = 0;
        let gap = flat[k]! - previous;
        previous = flat[k]!;
        while (gap >= 0x80) {
          bytes.push((gap & 0x7f) | 0x80);
          gap >>>= 7;
        }
        bytes.push(gap);
        if (length + bytes.length > out.length) {
          const grown = new Uint8Array(out.length * 2);
          grown.set(out);
          out = grown;
        }
        for (const b of bytes) out[length++] = b;
      }
    }
    pairStart[pairs.length] = length;
    return new SubstringFrequency(textStart, blob, unitCount, pairs, pairStart, out.slice(0, length), pairCount);
  }

  /**
   * Reads a saved index.
   * @throws {SectionFormatError} when the bytes are not one.
   */
  static decode(bytes: Buffer): SubstringFrequency {
    const s = Sections.decode(bytes, FILE_KIND);
    const textStart = s.get("textStart", "u32");
    const pairs = s.get("pairs", "u32");
    const pairStart = s.get("pairStart", "u32", pairs.length + 1);
    return new SubstringFrequency(
      textStart,
      s.get("texts", "u8", textStart[textStart.length - 1]! * 2),
      s.get("unitCount", "u32", 65536),
      pairs,
      pairStart,
      s.get("pairBytes", "u8", pairStart[pairs.length]),
      s.get("pairCount", "u32", pairs.length),
    );
  }

  /** The saved form, as buffers to write in order. */
  encode(): Buffer[] {
    const blob = new Uint8Array(this.blob.buffer, this.blob.byteOffset, this.blob.byteLength);
    return encodeSections(FILE_KIND, { items: this.total }, {
      textStart: this.textStart,
      texts: blob,
      unitCount: this.unitCount,
      pairs: this.pairs,
      pairStart: this.pairStart,
      pairBytes: this.pairBytes,
      pairCount: this.pairCount,
    });
  }

  /** Number of items. */
  get total(): number {
    return this.textStart.length - 1;
  }

  /** Number of items whose text contains `term` (normalised and without whitespace, as the texts are). */
  df(term: string): number {
    const t = squash(term);
    let n = this.cache.get(t);
    if (n === undefined) {
      n = this.count(t);
      if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
      this.cache.set(t, n);
    }
    return n;
  }

  private count(t: string): number {
    if (t.length === 0) return this.total;
    if (t.length === 1) return this.unitCount[t.charCodeAt(0)]!;
    const found: number[] = [];
    for (let k = 0; k + 1 < t.length; k++) {
      const p = this.findPair(pairKey(t, k));
      if (p < 0) return 0;
      if (!found.includes(p)) found.push(p);
    }
    if (t.length === 2) return this.pairCount[found[0]!]!;
    found.sort((a, b) => this.pairCount[a]! - this.pairCount[b]!);
    let candidates = this.items(found[0]!);
    for (let k = 1; k < found.length && candidates.length >= INTERSECT_UNTIL; k++) candidates = intersect(candidates, this.items(found[k]!));
    return this.verify(candidates, t);
  }

  /** How many of the candidate items (ascending) contain `t`: one forward search per match. */
  private verify(candidates: Uint32Array, t: string): number {
    let count = 0;
    let c = 0;
    while (c < candidates.length) {
      const at = this.blob.indexOf(t, this.textStart[candidates[c]!]! * 2, "utf16le");
      if (at < 0) break;
      // The item holding this match: every candidate before it lacks the term.
      const item = upperBound(this.textStart, at / 2) - 1;
      while (c < candidates.length && candidates[c]! < item) c++;
      if (c < candidates.length && candidates[c] === item) {
        count++;
        c++;
      }
    }
    return count;
  }

  private findPair(key: number): number {
    let lo = 0;
    let hi = this.pairs.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const k = this.pairs[mid]!;
      if (k === key) return mid;
      if (k < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private items(p: number): Uint32Array {
    const out = new Uint32Array(this.pairCount[p]!);
    const bytes = this.pairBytes;
    let at = this.pairStart[p]!;
    let item = -1;
    for (let i = 0; i < out.length; i++) {
      let gap = 0;
      let shift = 0;
      let b: number;
      do {
        b = bytes[at++]!;
        gap |= (b & 0x7f) << shift;
        shift += 7;
      } while (b >= 0x80);
      item += gap;
      out[i] = item;
    }
    return out;
  }
}

/** Items in both ascending lists. */
function intersect(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let n = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i]! < b[j]!) i++;
    else if (a[i]! > b[j]!) j++;
    else {
      out[n++] = a[i]!;
      i++;
      j++;
    }
  }
  return out.subarray(0, n);
}

/** First index whose value is greater than `value` in an ascending array. */
function upperBound(values: Uint32Array, value: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
