/**
 * The offline model's vocabulary: every single character of jieba's dictionary and of
 * GB 2312 (so Chinese text never becomes [UNK]; a rarer character becomes one [UNK]
 * and leaves its neighbours alone), printable ASCII, the words jieba finds in
 * the corpus, the most frequent dictionary words (so questions worded differently
 * from the circulars still segment sensibly), and the alias keys. Each token gets a
 * Unigram score (log probability), so transformers.js's Unigram tokenizer does the
 * same maximum-probability segmentation over a word lattice that jieba does.
 */
import { Jieba } from "@node-rs/jieba";
import jiebaData from "@node-rs/jieba/dict.js";
import iconv from "iconv-lite";

/** Special tokens, always the first ids in this order. */
export const SPECIAL_TOKENS = ["[PAD]", "[UNK]", "[CLS]"] as const;

export interface VocabularyOptions {
  /** How many of the most frequent multi-character dictionary words to add. */
  readonly extraDictionaryWords: number;
}

export interface Vocabulary {
  /** Tokens by id: specials, then all other tokens in code-unit order. */
  readonly tokens: readonly string[];
  /** Unigram log-probability of each token, same order as `tokens`. */
  readonly scores: readonly number[];
  /** Jieba dictionary frequency of each known word (for weighting). */
  readonly dictionaryFrequency: ReadonlyMap<string, number>;
}

/** Jieba dictionary words and their corpus counts, parsed from the shipped dict.txt. */
export function readJiebaDictionary(): Map<string, number> {
  const text = new TextDecoder().decode(jiebaData.dict);
  const freq = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [word, count] = line.trim().split(/\s+/);
    if (!word || !count) continue;
    const n = Number(count);
    if (Number.isFinite(n) && n > 0) freq.set(word.toLowerCase(), (freq.get(word.toLowerCase()) ?? 0) + n);
  }
  return freq;
}

/** Jieba's general-purpose IDF table (shipped with @node-rs/jieba). */
export function readJiebaIdf(): Map<string, number> {
  const text = new TextDecoder().decode(jiebaData.idf);
  const idf = new Map<string, number>();
  for (const line of text.split("\n")) {
    const [word, value] = line.trim().split(/\s+/);
    if (word && value && Number.isFinite(Number(value))) idf.set(word.toLowerCase(), Number(value));
  }
  return idf;
}

/** Text is normalised like the tokenizer does (NFKC + lower case) before segmenting. */
export function normalizeText(text: string): string {
  return text.normalize("NFKC").toLowerCase();
}

/** The 6,763 hanzi of GB 2312 (rows 0xB0–0xF7), the characters everyday text uses. */
export function gb2312Hanzi(): string[] {
  const out: string[] = [];
  for (let hi = 0xb0; hi <= 0xf7; hi++) {
    for (let lo = 0xa1; lo <= 0xfe; lo++) {
      const ch = iconv.decode(Buffer.from([hi, lo]), "gb2312");
      if (ch.length === 1 && ch !== "\ufffd") out.push(ch);
    }
  }
  return out;
}

const PRINTABLE_ASCII = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i));

/**
 * Collects tokens and scores from the corpus, jieba's dictionary, the alias keys and
 * `extraWords` (stop words, so that English ones are not split into letters).
 */
export function buildVocabulary(
  corpusTexts: readonly string[],
  aliasKeys: readonly string[],
  extraWords: readonly string[],
  options: VocabularyOptions,
): Vocabulary {
  const dictionary = readJiebaDictionary();
  const jieba = Jieba.withDict(jiebaData.dict);
  const candidates = new Set<string>(PRINTABLE_ASCII);

  for (const word of dictionary.keys()) if ([...word].length === 1) candidates.add(word);
  for (const ch of gb2312Hanzi()) candidates.add(ch);

  // Words the corpus uses, including search-mode sub-words (普通高中 → 普通, 高中) so that
  // a question using the part still matches.
  const corpusCount = new Map<string, number>();
  for (const raw of corpusTexts) {
    const text = normalizeText(raw);
    for (const ch of text) if (!/\s/u.test(ch)) candidates.add(ch);
    for (const word of jieba.cutForSearch(text, true)) {
      const w = word.trim();
      if (!w || /\s/u.test(w)) continue;
      candidates.add(w);
      corpusCount.set(w, (corpusCount.get(w) ?? 0) + 1);
    }
  }

  const frequentWords = [...dictionary]
    .filter(([w]) => [...w].length > 1 && !/\s/u.test(w))
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, options.extraDictionaryWords);
  for (const [w] of frequentWords) candidates.add(w);
  for (const key of [...aliasKeys, ...extraWords]) candidates.add(normalizeText(key));
  for (const special of SPECIAL_TOKENS) candidates.delete(special);

  const total = [...dictionary.values()].reduce((a, b) => a + b, 0);
  const aliasSet = new Set(aliasKeys.map(normalizeText));
  const scoreOf = (token: string): number => {
    // Alias keys must win over splitting them into characters; corpus-only words
    // (new words jieba's HMM found) count as moderately rare dictionary words.
    let freq = dictionary.get(token) ?? 0;
    if (aliasSet.has(token)) freq = Math.max(freq, 2000);
    if (freq === 0) freq = [...token].length > 1 ? 20 * (corpusCount.get(token) ?? 1) : 1;
    if (/^[a-z]+$/.test(token) && token.length > 1) freq = Math.max(freq, 1000);
    return Math.log(freq / total);
  };

  const rest = [...candidates].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tokens = [...SPECIAL_TOKENS, ...rest];
  const scores = tokens.map((t, i) => (i < SPECIAL_TOKENS.length ? 0 : scoreOf(t)));
  return { tokens, scores, dictionaryFrequency: dictionary };
}
