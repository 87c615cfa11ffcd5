/**
 * English questions read as Chinese: each glossary phrase becomes the circulars' term,
 * each question word its Chinese (who → 谁, how many → 多少), a year its 年, and a
 * question opening with does/is/can… ends in 吗. Kinds, documents and search then read
 * the gloss like any other question; the English words stay concepts of their own.
 */
import type { KindCues, Vocabulary } from "../../lexicon/vocabulary.ts";

/** Whether a question is written in English (letters, and at most a Chinese word). */
export function isEnglish(text: string): boolean {
  const letters = (text.match(/[a-z]/gi) ?? []).length;
  const han = (text.match(/\p{Script=Han}/gu) ?? []).length;
  return letters >= 6 && han <= 4;
}

export class EnglishReader {
  /** Phrases by their first word, longest first: the glossary has thousands. */
  private readonly byFirstWord = new Map<string, { words: string[]; zh: string }[]>();

  constructor(
    english: Vocabulary["english"],
    private readonly kinds: Pick<KindCues, "englishAsks" | "englishYesno">,
  ) {
    const add = (phrase: string, zh: string) => {
      const words = phrase.split(" ");
      const list = this.byFirstWord.get(words[0]!) ?? [];
      list.push({ words, zh });
      this.byFirstWord.set(words[0]!, list);
    };
    for (const [phrase, terms] of english) if (!kinds.englishAsks.has(phrase)) add(phrase, terms[0]!);
    for (const [phrase, zh] of kinds.englishAsks) add(phrase, zh);
    for (const list of this.byFirstWord.values()) list.sort((a, b) => b.words.length - a.words.length);
  }

  /** The Chinese gloss of an English question. */
  gloss(text: string): string {
    const tokens = text.toLowerCase().replace(/[^a-z0-9%'+]+/g, " ").trim().split(" ");
    const out: string[] = [];
    for (let i = 0; i < tokens.length; ) {
      const phrase = (this.byFirstWord.get(tokens[i]!) ?? []).find((p) => p.words.every((w, k) => tokens[i + k] === w));
      if (phrase) {
        out.push(phrase.zh);
        i += phrase.words.length;
        continue;
      }
      const t = tokens[i]!;
      if (/^(19|20)\d{2}$/.test(t)) out.push(`${t}年`);
      else if (/^\d+(\.\d+)?%?$/.test(t)) out.push(t);
      i++;
    }
    const yesno = this.kinds.englishYesno.includes(tokens[0] ?? "");
    return out.join("") + (yesno ? "吗" : "");
  }
}
