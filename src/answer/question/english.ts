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

/** The Chinese gloss of an English question. */
export function glossEnglish(text: string, english: Vocabulary["english"], kinds: Pick<KindCues, "englishAsks" | "englishYesno">): string {
  const words = ` ${text.toLowerCase().replace(/[^a-z0-9%'+-]+/g, " ")} `;
  const phrases = [...new Set([...english.keys(), ...kinds.englishAsks.keys()])].sort((a, b) => b.length - a.length);
  // Left to right, longest phrase first at each position.
  const tokens = words.trim().split(" ");
  const out: string[] = [];
  for (let i = 0; i < tokens.length; ) {
    let matched = false;
    for (const p of phrases) {
      const n = p.split(" ").length;
      if (tokens.slice(i, i + n).join(" ") !== p) continue;
      out.push(kinds.englishAsks.get(p) ?? english.get(p)![0]!);
      i += n;
      matched = true;
      break;
    }
    if (matched) continue;
    const t = tokens[i]!;
    if (/^(19|20)\d{2}$/.test(t)) out.push(`${t}年`);
    else if (/^\d+(\.\d+)?%?$/.test(t)) out.push(t);
    i++;
  }
  const yesno = kinds.englishYesno.includes(tokens[0] ?? "");
  return out.join("") + (yesno ? "吗" : "");
}
