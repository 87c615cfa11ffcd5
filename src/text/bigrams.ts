/**
 * Character pairs of Chinese text. Pairs match wherever words are segmented differently
 * (学籍互转 / 互转学籍), so search, scoring and near-duplicate checks all use them.
 */

const HAN_RUN = /[\u3400-\u9fff]+/g;

/** Pairs of adjacent Han characters of every run; a run of one character is kept alone. */
export function charBigrams(text: string): string[] {
  const out: string[] = [];
  for (const run of text.match(HAN_RUN) ?? []) {
    const chars = [...run];
    if (chars.length === 1) out.push(chars[0]!);
    for (let i = 0; i + 1 < chars.length; i++) out.push(chars[i]! + chars[i + 1]!);
  }
  return out;
}

/** The distinct pairs of a text (runs of one character are left out). */
export function bigramSet(text: string): Set<string> {
  return new Set(charBigrams(text).filter((b) => b.length === 2));
}
