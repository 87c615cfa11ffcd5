/**
 * Document frequency of arbitrary substrings over the corpus's items: how many items'
 * normalised text (title, headings and text, no whitespace) contains a term. The
 * answer stage weighs question concepts by it. Scanning every item per new term cost a
 * quarter of query time at 2,000 circulars; here it is indexed at build time:
 *
 * - one code unit: a count per code unit, exact;
 * - two code units: the postings of that pair, exact by their length;
 * - longer terms: the postings of the term's rarest pairs intersected give the items
 *   that hold every pair, and a search in the stored texts (UTF-16, items separated by
 *   a newline, which no term contains; read from the file, nearby candidates at once)
 *   keeps those holding the term itself; past a few thousand candidates the count is
 *   estimated from a sample of them (see COUNT_EXACTLY_UP_TO), the items never.
 *
 * Terms are compared in UTF-16 code units, as String.prototype.includes does, so an exact
 * count is the same as `texts.filter((t) => t.includes(term)).length`.
 *
 * Each pair also has the number of documents among whose items it is written, counted at
 * build: the answer stage asks it of every title pair (a pair most documents write names
 * none), and decoding those lists on the answering thread cost 300 ms of a 2,000-circular
 * index's warm-up, while a rebuilt index was opened beside the serving one.
 */
import type { DocumentMeta, Item } from "../corpus/types.ts";
import { encodeSections, MemoryBytes, Sections, SectionFormatError, TEXTS_IN_MEMORY, type ByteSource } from "../index/binary-sections.ts";
import { Uint32Index, Uint32List, varintBytes, writeVarint } from "../util/uint32-index.ts";
import { squash } from "../text/normalize.ts";
import { BoundedMap } from "../util/bounded-map.ts";
import { intersect } from "../util/sorted-sets.ts";

/** The text an item is counted by: its document's title, its headings and its text, normalised, without whitespace. */
export function frequencyText(meta: Pick<DocumentMeta, "title">, item: Pick<Item, "path" | "text">): string {
  return squash([meta.title, ...item.path, item.text].join(" "));
}

const FILE_KIND = "policybot-substring-frequency/2";
const SEPARATOR = "\n";
/** Distinct terms remembered between questions, counted and found present or absent (the oldest forgotten first). */
const CACHE_LIMIT = 50_000;
/** Bytes of pair lists read from the file kept for the next questions (a common pair's list comes back often). */
const KEPT_PAIR_BYTES = 8 * 1024 * 1024;
/** Bytes of texts read at a time (a run of candidates, or of items being scanned). */
const READ_RUN = 1 << 20;
/** Bytes between two candidates' texts that are read through rather than skipped by a new read. */
const READ_GAP = 1 << 14;
/**
 * A longer term's count is exact up to this many candidates (items holding all its pairs);
 * past it, COUNT_SAMPLE of them, evenly spaced, are searched and the share holding the term
 * is scaled up: a standard error of at most 3.1 % of the candidates, for weights that go by
 * the count's logarithm. At 10,000 circulars a common word's 100,000 candidates were read
 * and searched in full, and counting took a third of the time answering took outside
 * search on a question's first pass. Exact up to 4,096 candidates, counting there still
 * took 3.1 ms a question (first asks of the bench's 351 questions); up to 1,024, 1.9–2.4
 * ms, with the same answers. Below a thousand items (5 circulars: 400) every count is exact.
 */
const COUNT_EXACTLY_UP_TO = 1024;
const COUNT_SAMPLE = 256;
/**
 * A code unit's items among a set are found by searching the set's own texts while the set
 * holds fewer than 1/SEARCH_OVER_SCAN of the items, else by one pass over every text: at
 * 2,000 circulars the pass took 11–13 ms (0.16 µs an item), and searching candidates one
 * by one 0.9 µs a candidate ("山东省", 6,271 of them, 5.7 ms).
 */
const SEARCH_OVER_SCAN = 6;
/** Candidate lists shorter than this are verified directly rather than intersected further. */
const INTERSECT_UNTIL = 64;
/**
 * Whether a longer term is in the corpus is first looked for in this many of the items
 * holding its rarest pair, before counting it (see {@link SubstringFrequency.has}).
 */
const PRESENCE_PROBE = 32;

const pairKey = (text: string, i: number) => ((text.charCodeAt(i) << 16) | text.charCodeAt(i + 1)) >>> 0;

export class SubstringFrequency {
  private readonly cache = new BoundedMap<string, number>(CACHE_LIMIT);
  /** Terms found present or absent by {@link has} without a count. */
  private readonly presence = new BoundedMap<string, boolean>(CACHE_LIMIT);
  /** Where texts read from the file land (one run of candidates at a time). */
  private scratch = new Uint8Array(0);
  /** Bytes of texts read at a time (tests set it small, to cross the runs' edges). */
  private readRun = READ_RUN;

  private constructor(
    /** Start of item i's text in `texts`, in code units; length items + 1. */
    private readonly textStart: Uint32Array,
    /** The texts, UTF-16: in memory after a build, read from the file on demand once saved. */
    private readonly texts: ByteSource,
    /** Items holding each code unit. */
    private readonly unitCount: Uint32Array,
    /** Code-unit pairs (high unit << 16 | low unit), ascending. */
    private readonly pairs: Uint32Array,
    private readonly pairStart: Uint32Array,
    /** The pair lists: in memory after a build, read from the file on demand once saved. */
    private readonly pairLists: ByteSource,
    private readonly pairCount: Uint32Array,
    /** Documents whose items hold each pair. */
    private readonly pairDocuments: Uint32Array,
    /** The pair lists in memory, when built here (to save them). */
    private readonly builtLists?: Uint8Array,
  ) {
    if (
      pairStart.length !== pairs.length + 1 ||
      pairCount.length !== pairs.length ||
      pairDocuments.length !== pairs.length ||
      pairStart[pairs.length] !== pairLists.length
    ) {
      throw new SectionFormatError("pair tables do not fit together");
    }
    if (textStart.length === 0 || textStart[textStart.length - 1]! * 2 !== texts.length) {
      throw new SectionFormatError("texts do not fit their starts");
    }
  }

  /** Indexes the corpus's items (their {@link frequencyText}), in order; a document's items are consecutive. */
  static ofItems(items: readonly { readonly meta: DocumentMeta; readonly item: Item }[]): SubstringFrequency {
    const documents = new Uint32Array(items.length);
    for (let i = 1; i < items.length; i++) documents[i] = documents[i - 1]! + (items[i]!.meta === items[i - 1]!.meta ? 0 : 1);
    return SubstringFrequency.build(
      items.map(({ meta, item }) => frequencyText(meta, item)),
      documents,
    );
  }

  /**
   * Indexes item texts (see {@link frequencyText}), in item order. `documents` numbers each
   * item's document, ascending (a document's items are consecutive); without it, each text
   * is a document of its own.
   */
  static build(texts: Iterable<string>, documents?: ArrayLike<number>): SubstringFrequency {
    const chunks: Buffer[] = [];
    const starts = new Uint32List();
    starts.push(0);
    let units = 0;
    const unitCount = new Uint32Array(65536);
    const pairs = new Uint32Index(1 << 18);
    const pairCounts = new Uint32List();
    const pairDocs = new Uint32List();
    /** Per pair (local number), 1 + the last document counted for it. */
    const pairLastDoc = new Uint32List();
    let item = 0;
    /** Per item, the local numbers of its distinct pairs; items end at itemEnd. */
    const itemPairs = new Uint32List(1 << 20);
    const itemEnd = new Uint32List();
    let keys = new Uint32Array(4096);
    let codes = new Uint16Array(4096);
    for (const text of texts) {
      chunks.push(Buffer.from(text + SEPARATOR, "utf16le"));
      units += text.length + 1;
      starts.push(units);
      if (text.length > keys.length) {
        keys = new Uint32Array(text.length * 2);
        codes = new Uint16Array(text.length * 2);
      }
      const u = codes.subarray(0, text.length);
      for (let k = 0; k < text.length; k++) u[k] = text.charCodeAt(k);
      u.sort();
      for (let k = 0; k < u.length; k++) if (k === 0 || u[k] !== u[k - 1]) unitCount[u[k]!]!++;
      const p = keys.subarray(0, Math.max(0, text.length - 1));
      for (let k = 0; k < p.length; k++) p[k] = pairKey(text, k);
      p.sort();
      const doc = 1 + (documents ? documents[item]! : item);
      for (let k = 0; k < p.length; k++) {
        if (k > 0 && p[k] === p[k - 1]) continue;
        const local = pairs.add(p[k]!);
        if (local === pairCounts.length) {
          pairCounts.push(0);
          pairDocs.push(0);
          pairLastDoc.push(0);
        }
        pairCounts.set(local, pairCounts.get(local) + 1);
        if (pairLastDoc.get(local) !== doc) {
          pairDocs.set(local, pairDocs.get(local) + 1);
          pairLastDoc.set(local, doc);
        }
        itemPairs.push(local);
      }
      itemEnd.push(itemPairs.length);
      item++;
    }
    const joined = Buffer.concat(chunks);
    chunks.length = 0;
    // Searching UTF-16 needs 2-byte alignment (Node's search on an odd offset never returns).
    const blob = joined.byteOffset % 2 === 0 ? joined : new Uint8Array(joined);

    // Pairs in ascending order (searched by bisection), and each local number's rank.
    const byLocal = pairs.keysById();
    const sorted = byLocal.slice().sort();
    const rank = new Uint32Array(sorted.length);
    sorted.forEach((key, r) => (rank[pairs.get(key)] = r));
    const counts = pairCounts.view();
    const docCounts = pairDocs.view();
    const pairCount = new Uint32Array(sorted.length);
    const pairDocuments = new Uint32Array(sorted.length);
    for (let local = 0; local < counts.length; local++) {
      pairCount[rank[local]!] = counts[local]!;
      pairDocuments[rank[local]!] = docCounts[local]!;
    }

    // Two passes over the items: list sizes in bytes, then the lists (varint gaps of item numbers).
    const ends = itemEnd.view();
    const flat = itemPairs.view();
    const last = new Int32Array(sorted.length).fill(-1);
    const bytes = new Float64Array(sorted.length);
    for (let item = 0, k = 0; item < ends.length; item++) {
      for (; k < ends[item]!; k++) {
        const r = rank[flat[k]!]!;
        bytes[r]! += varintBytes(item - last[r]!);
        last[r] = item;
      }
    }
    const pairStart = new Uint32Array(sorted.length + 1);
    for (let r = 0; r < sorted.length; r++) pairStart[r + 1] = pairStart[r]! + bytes[r]!;
    const pairBytes = new Uint8Array(pairStart[sorted.length]!);
    const cursor = Float64Array.from(pairStart.subarray(0, sorted.length));
    last.fill(-1);
    for (let item = 0, k = 0; item < ends.length; item++) {
      for (; k < ends[item]!; k++) {
        const r = rank[flat[k]!]!;
        cursor[r] = writeVarint(pairBytes, cursor[r]!, item - last[r]!);
        last[r] = item;
      }
    }
    return new SubstringFrequency(
      Uint32Array.from(starts.view()),
      new MemoryBytes(blob),
      unitCount,
      sorted,
      pairStart,
      new MemoryBytes(pairBytes),
      pairCount,
      pairDocuments,
      pairBytes,
    );
  }

  /**
   * Reads a saved index: from bytes in memory, or from its file, whose pair lists then
   * stay on disk, and so do its texts when they are larger than TEXTS_IN_MEMORY.
   * @throws {SectionFormatError} when it is not one.
   */
  static async decode(
    saved: Buffer | { readonly file: string },
    { textsInMemory = TEXTS_IN_MEMORY, readRun = READ_RUN }: { readonly textsInMemory?: number; readonly readRun?: number } = {},
  ): Promise<SubstringFrequency> {
    const s = Buffer.isBuffer(saved)
      ? Sections.decode(saved, FILE_KIND)
      : await Sections.open(saved.file, FILE_KIND, (name, bytes) => name === "pairBytes" || (name === "texts" && bytes > textsInMemory));
    const textStart = s.get("textStart", "u32");
    const pairs = s.get("pairs", "u32");
    const pairStart = s.get("pairStart", "u32", pairs.length + 1);
    const index = new SubstringFrequency(
      textStart,
      s.source("texts"),
      s.get("unitCount", "u32", 65536),
      pairs,
      pairStart,
      s.source("pairBytes", KEPT_PAIR_BYTES),
      s.get("pairCount", "u32", pairs.length),
      s.get("pairDocuments", "u32", pairs.length),
    );
    index.readRun = readRun;
    return index;
  }

  /** The saved form, as buffers to write in order. */
  encode(): Buffer[] {
    return encodeSections(FILE_KIND, { items: this.total }, {
      textStart: this.textStart,
      texts: this.texts.read(0, this.texts.length),
      unitCount: this.unitCount,
      pairs: this.pairs,
      pairStart: this.pairStart,
      pairBytes: this.builtLists ?? fail("only an index built in this process can be saved"),
      pairCount: this.pairCount,
      pairDocuments: this.pairDocuments,
    });
  }

  /** Number of items. */
  get total(): number {
    return this.textStart.length - 1;
  }

  /** In how many documents' items a pair of code units is written (see {@link build}). */
  documentsWithPair(pair: string): number {
    const at = pair.length === 2 ? this.findPair(pairKey(pair, 0)) : -1;
    return at < 0 ? 0 : this.pairDocuments[at]!;
  }

  /** The characters (UTF-16 code units) the texts use. */
  knownChars(): Set<string> {
    const out = new Set<string>();
    this.unitCount.forEach((n, u) => {
      if (n > 0) out.add(String.fromCharCode(u));
    });
    return out;
  }

  /**
   * Number of items whose text contains `term` (normalised and without whitespace, as the
   * texts are); estimated past COUNT_EXACTLY_UP_TO candidates.
   */
  df(term: string): number {
    const t = squash(term);
    let n = this.cache.get(t);
    if (n === undefined) this.cache.set(t, (n = this.count(t)));
    return n;
  }

  /**
   * Whether any item's text holds `term`: `df(term) > 0`, found without counting where it
   * can be. A longer term is first looked for in the first items holding its rarest pair: a
   * common term is in one of them, and is found without intersecting its pairs' lists and
   * searching thousands of texts (a question's words are tested for presence as it is
   * analysed, and weighed by their counts only once its search is under way).
   */
  has(term: string): boolean {
    const t = squash(term);
    // One or two code units are counted exactly from the tables: no search to spare.
    if (t.length <= 2) return this.df(t) > 0;
    const counted = this.cache.get(t);
    if (counted !== undefined) return counted > 0;
    let found = this.presence.get(t);
    if (found === undefined) this.presence.set(t, (found = this.look(t)));
    return found;
  }

  private look(t: string): boolean {
    const pairs = this.pairsOf(t);
    if (!pairs) return false;
    const rarest = this.items(this.rarest(pairs));
    if (this.holding(rarest.subarray(0, PRESENCE_PROBE), t, undefined, 1).length > 0) return true;
    return rarest.length > PRESENCE_PROBE && this.df(t) > 0;
  }

  /**
   * The items (ascending) whose text holds `term` (normalised and without whitespace, as
   * the texts are): the candidates that hold all of its pairs, each searched for it.
   * With `skip`, an item counts only where the term starts `skip(item)` code units or
   * more into its text (past its title, say). With `within` (ascending item numbers), only
   * those items are searched and returned: the same as intersecting the whole answer with
   * `within`, at the cost of the items searched.
   */
  itemsWith(term: string, skip?: (item: number) => number, within?: Uint32Array): Uint32Array {
    const t = squash(term);
    if (t.length === 0) return within ? within.slice() : Uint32Array.from({ length: this.total }, (_, i) => i);
    if (t.length === 1) {
      // A code unit has no list: searching a few items' own texts beats a pass over all of them.
      if (within && within.length * SEARCH_OVER_SCAN < this.total) return this.holding(within, t, skip);
      const all = this.scan(t, skip);
      return within ? intersect(all, within) : all;
    }
    const found = this.pairsOf(t);
    if (!found) return new Uint32Array(0);
    // Fewer items to search than hold the term's rarest pair: their texts are searched
    // without decoding a pair list (a date's pairs, 20 and 年, are in most items).
    if (within && within.length <= this.pairCount[this.rarest(found)]!) return this.holding(within, t, skip);
    let candidates = t.length === 2 ? this.items(found[0]!) : this.candidates(found);
    if (within) candidates = intersect(candidates, within);
    return t.length === 2 && !skip ? candidates : this.holding(candidates, t, skip);
  }

  private count(t: string): number {
    // No item is counted for the empty term: it names nothing.
    if (t.length === 0) return 0;
    if (t.length === 1) return this.unitCount[t.charCodeAt(0)]!;
    const found = this.pairsOf(t);
    if (!found) return 0;
    if (t.length === 2) return this.pairCount[found[0]!]!;
    const candidates = this.candidates(found);
    if (candidates.length <= COUNT_EXACTLY_UP_TO) return this.holding(candidates, t).length;
    // Many candidates: an evenly spaced sample of them is searched, and the share holding
    // the term scales to all (see COUNT_EXACTLY_UP_TO).
    const sample = new Uint32Array(COUNT_SAMPLE);
    for (let k = 0; k < COUNT_SAMPLE; k++) sample[k] = candidates[Math.floor(((k + 0.5) * candidates.length) / COUNT_SAMPLE)]!;
    return Math.round((candidates.length * this.holding(sample, t).length) / COUNT_SAMPLE);
  }

  /** The term's distinct pairs (their positions in the pair table), or null when one is in no item. */
  private pairsOf(t: string): number[] | null {
    const found: number[] = [];
    for (let k = 0; k + 1 < t.length; k++) {
      const p = this.findPair(pairKey(t, k));
      if (p < 0) return null;
      if (!found.includes(p)) found.push(p);
    }
    return found;
  }

  /** Of the term's pairs (positions in the pair table), the one the fewest items hold. */
  private rarest(found: readonly number[]): number {
    return found.reduce((a, b) => (this.pairCount[b]! < this.pairCount[a]! ? b : a));
  }

  /** The items holding every pair (or the few holding the rarest ones, to be searched). */
  private candidates(found: number[]): Uint32Array {
    found.sort((a, b) => this.pairCount[a]! - this.pairCount[b]!);
    let candidates = this.items(found[0]!);
    for (let k = 1; k < found.length && candidates.length >= INTERSECT_UNTIL; k++)
      candidates = intersect(candidates, this.items(found[k]!));
    return candidates;
  }

  /**
   * The candidates (ascending) whose text holds `t` (from `skip(item)` on): each searched
   * within its own text, so a term no candidate holds costs the candidates' length, not a
   * search to the end of the corpus. Candidates whose texts lie close together are read
   * in one run. With `enough`, the search stops once that many are found.
   */
  private holding(candidates: Uint32Array, t: string, skip?: (item: number) => number, enough = Infinity): Uint32Array {
    const out = new Uint32Array(candidates.length);
    let n = 0;
    const start = this.textStart;
    for (let i = 0; i < candidates.length; ) {
      const runStart = start[candidates[i]!]! * 2;
      let j = i + 1;
      for (; j < candidates.length; j++) {
        const c = candidates[j]!;
        if ((start[c]! - start[candidates[j - 1]! + 1]!) * 2 > READ_GAP || start[c + 1]! * 2 - runStart > this.readRun) break;
      }
      const run = this.readTexts(runStart, start[candidates[j - 1]! + 1]! * 2 - runStart);
      for (; i < j; i++) {
        const c = candidates[i]!;
        // A candidate's text decoded and searched as a string: Buffer#indexOf with a UTF-16
        // needle took 5x as long (it encodes the needle, and searches code unit by code unit).
        const from = (start[c]! + (skip ? skip(c) : 0)) * 2 - runStart;
        if (!run.toString("utf16le", from, start[c + 1]! * 2 - runStart).includes(t)) continue;
        out[n++] = c;
        if (n >= enough) return out.subarray(0, n);
      }
    }
    return out.subarray(0, n);
  }

  /**
   * The items holding one code unit (from `skip(item)` on): a forward search through the
   * texts, a run of items at a time, one hit per item.
   */
  private scan(t: string, skip?: (item: number) => number): Uint32Array {
    const out: number[] = [];
    const start = this.textStart;
    for (let first = 0; first < this.total; ) {
      let last = first + 1;
      while (last < this.total && (start[last + 1]! - start[first]!) * 2 <= this.readRun) last++;
      const runStart = start[first]! * 2;
      const run = this.readTexts(runStart, start[last]! * 2 - runStart);
      for (let at = run.indexOf(t, 0, "utf16le"); at >= 0; ) {
        const item = this.itemAt((runStart + at) / 2);
        const end = start[item + 1]! * 2 - runStart;
        const from = (start[item]! + (skip?.(item) ?? 0)) * 2 - runStart;
        if (at < from) at = run.indexOf(t, from, "utf16le");
        if (at >= 0 && at < end) out.push(item);
        at = run.indexOf(t, end, "utf16le");
      }
      first = last;
    }
    return Uint32Array.from(out);
  }

  /** Bytes [from, from + length) of the texts, as a Buffer at an even address (UTF-16 search needs one). */
  private readTexts(from: number, length: number): Buffer {
    if (this.scratch.length < length && length <= this.readRun) this.scratch = new Uint8Array(this.readRun);
    const bytes = this.texts.read(from, length, this.scratch);
    const even = bytes.byteOffset % 2 === 0 ? bytes : new Uint8Array(bytes);
    return Buffer.from(even.buffer, even.byteOffset, even.byteLength);
  }

  /** The item whose text holds code unit `unit` of the texts. */
  private itemAt(unit: number): number {
    let lo = 0;
    let hi = this.total - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.textStart[mid]! <= unit) lo = mid;
      else hi = mid - 1;
    }
    return lo;
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
    const bytes = this.pairLists.read(this.pairStart[p]!, this.pairStart[p + 1]! - this.pairStart[p]!);
    let at = 0;
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

function fail(message: string): never {
  throw new Error(message);
}
