/**
 * Normal forms of text, one place for each: width folding, traditional → simplified
 * (opencc-js), two-digit years, and the form in which passages and questions are
 * compared. Questions and corpus text go through the same functions, so a match never
 * depends on how something was typed.
 */
import { createRequire } from "node:module";

/** Chinese punctuation keeps its full-width form: the sentence splitter and the labels read it. */
const KEEP_FULL_WIDTH = new Set([..."（）：；，。！？、"]);

const WIDE = /[\uff01-\uff5e\u3000]/;

/** Full-width ASCII (Ｈ, ２, ＃) to half-width, and the ideographic space to a space. */
export function foldWidth(text: string): string {
  // Most text has nothing to fold; one test is cheaper than two replacements.
  if (!WIDE.test(text)) return text;
  return text
    .replace(/[\uff01-\uff5e]/g, (ch) => (KEEP_FULL_WIDTH.has(ch) ? ch : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)))
    .replace(/\u3000/g, " ");
}

/**
 * Two-digit years as full years: 23年 → 2023年. Only 15–35, and not where the number is a
 * duration (近10年, 满20年, 20年以上) — those are not years of the circulars.
 */
export function expandYears(text: string): string {
  return text.replace(/(?<![\d近满超过约第余])(1[5-9]|2\d|3[0-5])(?=年(?!以上|以下|左右|以内|内|来|多|后|间|的时间))/g, "20$1");
}

const MARKS = /[“”‘’"'「」『』*]/;
const MARKS_ALL = new RegExp(MARKS.source, "g");

/** The form in which texts are compared: folded width, lower case, no quotes or bold marks. */
export function matchForm(text: string): string {
  const folded = foldWidth(text);
  return (MARKS.test(folded) ? folded.replace(MARKS_ALL, "") : folded).toLowerCase();
}

/** matchForm without any whitespace: PDF line breaks fall inside words. */
export function squash(text: string): string {
  return matchForm(text).replace(/\s+/g, "");
}

type Convert = (text: string) => string;
let toCn: Convert | undefined;

/**
 * Traditional characters (Taiwan, Hong Kong and general forms) to simplified, through
 * opencc-js. Its tables take ~40 ms to load, so they load on the first text that needs
 * them: pass `known` (the characters the corpus uses) and text made only of those is
 * returned as it is; pass `changed` (data/traditional-chars.txt: the characters opencc
 * changes on their own) and text with none of them is too.
 */
export function toSimplified(text: string, known?: ReadonlySet<string>, changed?: ReadonlySet<string>): string {
  if (known && [...text].every((ch) => known.has(ch) || !/\p{Script=Han}/u.test(ch))) return text;
  // None of the characters opencc changes on its own (outside the Basic Multilingual Plane, any may): no tables needed.
  if (changed && [...text].every((ch) => ch.length === 1 && !changed.has(ch))) return text;
  if (!toCn) {
    const require = createRequire(import.meta.url);
    const opencc = require("opencc-js/t2cn") as { Converter: (o: { from: string; to: string }) => Convert };
    const fromHk = opencc.Converter({ from: "hk", to: "cn" });
    const fromTw = opencc.Converter({ from: "tw", to: "cn" });
    toCn = (t) => fromTw(fromHk(t));
  }
  return toCn(text);
}
