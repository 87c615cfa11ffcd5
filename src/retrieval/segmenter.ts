/**
 * jieba for questions without loading jieba's whole dictionary. Segmenting a text uses
 * only the dictionary words that occur in it (jieba's DAG holds words found at each
 * position; the HMM and search mode ask about sub-strings of it) and the sum of all word
 * frequencies (each path is scored by log(freq) − log(total)). So a segmenter holding
 * just those words, plus one made-up word that brings the total to the full
 * dictionary's, cuts that text exactly as the full one does (tests compare them on
 * every passage and question). Building such a segmenter takes tens of microseconds;
 * loading the full dictionary takes about 100 ms and 40 MB, which a cold start and a
 * bot swapping in a rebuilt index then never pay.
 *
 * The dictionary (jieba's, plus the domain terms and unit names kept whole) is saved with
 * the index as `segmenter.bin`: words grouped by their first two UTF-16 code units.
 */
import { Jieba } from "@node-rs/jieba";
import { encodeSections, Sections, SectionFormatError } from "../index/binary-sections.ts";

const FILE_KIND = "policybot-segmenter/1";
/** Segmenters kept for texts seen recently (a question is cut several times: words, stop words, aliases). */
const CACHE_LIMIT = 256;
/** A made-up word from private-use characters the text does not contain. */
function filler(text: string): string {
  for (let c = 0xe000; ; c += 2)
    if (!text.includes(String.fromCharCode(c)) && !text.includes(String.fromCharCode(c + 1))) return String.fromCharCode(c, c + 1);
}

/** The two operations the analyzer asks of jieba. */
export type Segmenter = Pick<Jieba, "cut" | "cutForSearch">;

/** Key of the group a word (or a text position) belongs to: its first one or two code units. */
const groupKey = (text: string, at: number, units: 1 | 2) =>
  units === 1 ? text.charCodeAt(at) : ((text.charCodeAt(at) << 16) | text.charCodeAt(at + 1)) >>> 0;

/** jieba's dictionary with extra words, as jieba's loadDict would hold it after loading both. */
export class SegmenterDictionary {
  private constructor(
    /** Group keys ascending: single code units (< 65536) and pairs (first unit ≥ 1). */
    private readonly keys: Uint32Array,
    private readonly groupStart: Uint32Array,
    /** Per word: start in `words` (UTF-16 code units); length words + 1. */
    private readonly wordStart: Uint32Array,
    private readonly words: Buffer,
    private readonly freqs: Uint32Array,
    /** Sum of every word's frequency. */
    readonly total: number,
  ) {
    if (groupStart.length !== keys.length + 1 || wordStart.length !== freqs.length + 1 || groupStart[keys.length] !== freqs.length) {
      throw new SectionFormatError("segmenter tables do not fit together");
    }
    if (words.byteOffset % 2 !== 0 || words.length !== wordStart[freqs.length]! * 2)
      throw new SectionFormatError("segmenter words do not fit their table");
    this.units = new Uint16Array(words.buffer, words.byteOffset, words.length / 2);
  }

  /** The words' UTF-16 code units. */
  private readonly units: Uint16Array;

  /**
   * From jieba's dictionary text (lines "word freq tag") and extra words, each with the
   * frequency jieba would give it (later lines override earlier ones, as loadDict does).
   */
  static build(dictionary: string, extra: readonly (readonly [string, number])[]): SegmenterDictionary {
    const freq = new Map<string, number>();
    for (const line of dictionary.split("\n")) {
      const [word, f] = line.trim().split(/\s+/);
      if (word) freq.set(word, f === undefined ? 0 : Number(f));
    }
    for (const [word, f] of extra) freq.set(word, f);
    let total = 0;
    for (const f of freq.values()) total += f;
    // Words starting with U+0000 cannot be keyed; jieba never sees one in text anyway.
    const words = [...freq.keys()].filter((w) => w.charCodeAt(0) !== 0);
    const keyOf = (w: string) => groupKey(w, 0, w.length === 1 ? 1 : 2);
    words.sort((a, b) => keyOf(a) - keyOf(b));
    const keys: number[] = [];
    const groupStart: number[] = [];
    const wordStart = new Uint32Array(words.length + 1);
    words.forEach((w, i) => {
      const key = keyOf(w);
      if (keys[keys.length - 1] !== key) {
        keys.push(key);
        groupStart.push(i);
      }
      wordStart[i + 1] = wordStart[i]! + w.length;
    });
    groupStart.push(words.length);
    return new SegmenterDictionary(
      Uint32Array.from(keys),
      Uint32Array.from(groupStart),
      wordStart,
      Buffer.from(words.join(""), "utf16le"),
      Uint32Array.from(words, (w) => freq.get(w)!),
      total,
    );
  }

  /**
   * Reads a saved dictionary.
   * @throws {SectionFormatError} when the bytes are not one.
   */
  static decode(bytes: Buffer): SegmenterDictionary {
    const s = Sections.decode(bytes, FILE_KIND);
    const total = (s.meta as { total?: unknown })?.total;
    if (typeof total !== "number") throw new SectionFormatError("no total frequency");
    const wordStart = s.get("wordStart", "u32");
    return new SegmenterDictionary(
      s.get("keys", "u32"),
      s.get("groupStart", "u32"),
      wordStart,
      s.bytesOf("words"),
      s.get("freqs", "u32", wordStart.length - 1),
      total,
    );
  }

  encode(): Buffer[] {
    return encodeSections(FILE_KIND, { total: this.total }, {
      keys: this.keys,
      groupStart: this.groupStart,
      wordStart: this.wordStart,
      words: new Uint8Array(this.words.buffer, this.words.byteOffset, this.words.byteLength),
      freqs: this.freqs,
    });
  }

  /** Lines "word freq" for every dictionary word occurring in `text`, and their frequency sum. */
  private wordsIn(text: string): { lines: string[]; sum: number } {
    const units = this.units;
    const found = new Set<number>();
    for (let at = 0; at < text.length; at++) {
      for (const width of [1, 2] as const) {
        if (at + width > text.length) continue;
        const g = this.group(groupKey(text, at, width));
        if (g < 0) continue;
        for (let w = this.groupStart[g]!; w < this.groupStart[g + 1]!; w++) {
          const start = this.wordStart[w]!;
          const length = this.wordStart[w + 1]! - start;
          if (at + length > text.length) continue;
          let k = width;
          while (k < length && units[start + k] === text.charCodeAt(at + k)) k++;
          if (k === length) found.add(w);
        }
      }
    }
    const lines: string[] = [];
    let sum = 0;
    for (const w of found) {
      lines.push(`${this.words.toString("utf16le", this.wordStart[w]! * 2, this.wordStart[w + 1]! * 2)} ${this.freqs[w]}`);
      sum += this.freqs[w]!;
    }
    return { lines, sum };
  }

  private group(key: number): number {
    let lo = 0;
    let hi = this.keys.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this.keys[mid] === key) return mid;
      if (this.keys[mid]! < key) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** A segmenter that cuts any text as the full dictionary would, building a small jieba per text. */
  segmenter(): Segmenter {
    const cache = new Map<string, Jieba>();
    const forText = (text: string | Uint8Array): Jieba => {
      const t = typeof text === "string" ? text : Buffer.from(text).toString("utf8");
      let jieba = cache.get(t);
      if (!jieba) {
        const { lines, sum } = this.wordsIn(t);
        if (this.total > sum) lines.push(`${filler(t)} ${this.total - sum}`);
        jieba = new Jieba();
        jieba.loadDict(Buffer.from(lines.join("\n")));
        if (cache.size >= CACHE_LIMIT) cache.clear();
        cache.set(t, jieba);
      }
      return jieba;
    };
    return {
      cut: (text, hmm) => forText(text).cut(text, hmm),
      cutForSearch: (text, hmm) => forText(text).cutForSearch(text, hmm),
    };
  }
}
