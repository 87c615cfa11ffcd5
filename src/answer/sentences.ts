/**
 * Splits item text into sentences and clauses, and finds the figures, dates and
 * deadlines in them: the pieces an answer leads with.
 */

/** Sentences of a text, each ending with its punctuation; a table row or line is its own sentence. */
export function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split("\n")) {
    let current = "";
    let depth = 0; // inside “…” or （…） a full stop does not end the sentence
    for (const ch of line) {
      current += ch;
      if ("“（(《".includes(ch)) depth++;
      if ("”）)》".includes(ch)) depth = Math.max(0, depth - 1);
      if (depth === 0 && "。；！？".includes(ch)) {
        if (current.trim()) out.push(current.trim());
        current = "";
      }
    }
    if (current.trim()) out.push(current.trim());
  }
  return out;
}

/** Clauses of a sentence (split at ， and ；), for short leads. */
export function clausesOf(sentence: string): string[] {
  const out: string[] = [];
  let current = "";
  let depth = 0;
  for (const ch of sentence) {
    if ("“（(《".includes(ch)) depth++;
    if ("”）)》".includes(ch)) depth = Math.max(0, depth - 1);
    if (depth === 0 && "，；。".includes(ch)) {
      if (current.trim()) out.push(current.trim());
      current = "";
      continue;
    }
    current += ch;
  }
  if (current.trim()) out.push(current.trim());
  return out;
}

const CN_NUM = "[一二三四五六七八九十百千两]+";
/** A figure with what it counts: 50所左右, 97%以上, 15万人, 5倍, 第4名, 3年左右, 400万人次. */
export const FIGURE = new RegExp(
  `(不少于|不低于|超过|达到|最高可达到|约|近|第)?\\s*(\\d+(?:\\.\\d+)?|${CN_NUM})\\s*(%|万人次|万人|亿元|万元|人次|个|所|家|倍|名|门|项|人|条|批|学时|年|届|项|期|类|项|余|多)(左右|以上|以内|以下|多)?`,
  "u",
);
/** Dates and deadlines: 2020年6月底前, 2023年2月20日, 到2025年, 每年, 3年左右. */
export const DATE = /((?:到|至|自|从)?\d{4}年(?:\d{1,2}月)?(?:\d{1,2}日)?(?:底前|底|前|起|以前|以来)?|\d+年左右|每学?年|每月|每季度)/u;

/** Whether a text holds a figure (a number with a unit). */
export function hasFigure(text: string): boolean {
  return FIGURE.test(text) || /\d/.test(text);
}

/** Whether a text holds a date or deadline. */
export function hasDate(text: string): boolean {
  return DATE.test(text);
}
