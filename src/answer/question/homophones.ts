/**
 * Voice input writes a corpus term with a wrong character of the same sound (兼职取筹 for
 * 兼职取酬, 学图制 for 学徒制). A pair of characters that no item contains is read as the
 * corpus pair with the same pinyin (tones ignored) when the corrected text then matches
 * the corpus around it — so the fix is taken from the corpus, not from a list of typos.
 */
import { createRequire } from "node:module";
import type { CharSounds } from "../../lexicon/vocabulary.ts";
import { pushTo } from "../../util/multimap.ts";

type PinyinOf = (char: string) => string;

let pinyinOf: PinyinOf | undefined;

/** pinyin-pro's dictionary takes ~0.1 s to load: only a character outside the saved table (see CorpusText.sounds) loads it. */
function loadPinyin(): PinyinOf {
  if (!pinyinOf) {
    const require = createRequire(import.meta.url);
    const { pinyin } = require("pinyin-pro") as { pinyin: (text: string, o: { toneType: "none"; type: "array" }) => string[] };
    const cache = new Map<string, string>();
    pinyinOf = (ch) => {
      let p = cache.get(ch);
      if (p === undefined) {
        p = pinyin(ch, { toneType: "none", type: "array" })[0] ?? ch;
        cache.set(ch, p);
      }
      return p;
    };
  }
  return pinyinOf;
}

/** A correction applied to a question. */
export interface Correction {
  readonly typed: string;
  readonly read: string;
}

/** What the matcher needs from the corpus. */
export interface CorpusText {
  /** Whether any item contains `text` (squashed form). */
  readonly contains: (text: string) => boolean;
  /** Every Han character (U+3400–U+9FFF) the corpus writes. */
  readonly chars: () => Iterable<string>;
  /**
   * pinyin-pro's reading of each character of U+4E00–U+9FFF it knows (data/char-sounds.txt,
   * its own output, kept): a character of that block missing from it is its own sound.
   */
  readonly sounds: CharSounds;
}

export class HomophoneMatcher {
  /** The corpus's characters by their sound, each list in code order. */
  private bySound?: Map<string, string[]>;

  constructor(private readonly corpus: CorpusText) {}

  /** A character's toneless pinyin: from the kept table, else its own (CJK block), else pinyin-pro. */
  private sound(ch: string): string {
    const known = this.corpus.sounds.get(ch);
    if (known !== undefined) return known;
    return ch >= "\u4e00" && ch <= "\u9fff" ? ch : loadPinyin()(ch);
  }

  /**
   * Corpus pairs with the same sound as `pair`, other than itself, in code order. A pair
   * sounds as its two characters do, so the candidates are the pairs of same-sounding
   * characters that the corpus writes: no table of every corpus pair is built (at ten
   * thousand circulars that took seconds on the first question).
   */
  private candidates(pair: string): string[] {
    if (!this.bySound) {
      this.bySound = new Map();
      for (const ch of [...this.corpus.chars()].sort()) pushTo(this.bySound, this.sound(ch), ch);
    }
    const [a, b] = [...pair] as [string, string];
    const out: string[] = [];
    for (const x of this.bySound.get(this.sound(a)) ?? []) {
      for (const y of this.bySound.get(this.sound(b)) ?? []) if (x + y !== pair && this.corpus.contains(x + y)) out.push(x + y);
    }
    return out;
  }

  /**
   * Reads unknown pairs of `text` as their corpus homophones. A candidate is taken only when,
   * with the characters around it, it forms text the corpus contains; `protect`
   * marks words that must stay as typed (abbreviations the vocabulary knows), and pairs
   * with one of `functionChars` (谁, 吗, 的) are never read as a term.
   */
  correct(
    text: string,
    protect: (word: string) => boolean = () => false,
    functionChars: ReadonlySet<string> = new Set(),
  ): { text: string; corrections: Correction[] } {
    const chars = [...text];
    const corrections: Correction[] = [];
    const isHan = (ch: string | undefined) => ch !== undefined && /\p{Script=Han}/u.test(ch);
    for (let i = 0; i + 1 < chars.length; i++) {
      if (!isHan(chars[i]) || !isHan(chars[i + 1])) continue;
      const pair = chars[i]! + chars[i + 1]!;
      // A pair across a question word (谁负, 行吗) is no mistyped term; this also spares most questions the pinyin tables.
      if (functionChars.has(chars[i]!) || functionChars.has(chars[i + 1]!)) continue;
      if (this.corpus.contains(pair) || protect(pair)) continue;
      const prev = isHan(chars[i - 1]) ? chars[i - 1]! : "";
      const next = isHan(chars[i + 2]) ? chars[i + 2]! : "";
      // Where two real words meet (修订|专业, 新区|职业) the pair is a boundary, not a typo.
      if (prev && next && this.corpus.contains(prev + chars[i]!) && this.corpus.contains(chars[i + 1]! + next)) continue;
      const before2 = [chars[i - 2], chars[i - 1]].every(isHan) ? chars[i - 2]! + chars[i - 1]! : "";
      const after2 = [chars[i + 2], chars[i + 3]].every(isHan) ? chars[i + 2]! + chars[i + 3]! : "";
      // The corrected pair must sit in corpus text with two characters on one side, or one on each.
      const fits = this.candidates(pair).filter(
        (c) =>
          (before2 && this.corpus.contains(before2 + c)) ||
          (after2 && this.corpus.contains(c + after2)) ||
          (prev && next && this.corpus.contains(prev + c + next)) ||
          (!next && prev && this.corpus.contains(prev + c)) ||
          (!prev && next && this.corpus.contains(c + next)),
      );
      // Two corpus words that sound alike and both fit: no way to tell which was meant.
      if (fits.length !== 1) continue;
      const read = fits[0]!;
      corrections.push({ typed: pair, read });
      chars[i] = read[0]!;
      chars[i + 1] = read[1]!;
    }
    return { text: chars.join(""), corrections };
  }
}
