/**
 * The numbering markers Chinese circulars and regulations use, and how a line's
 * leading marker is read. Which markers nest inside which is not fixed here: the
 * item parser learns it from the order in which a document uses them.
 */

/** A kind of numbering marker. */
export type MarkerType =
  | "chapter" // 第一章
  | "part" // 第一节
  | "article" // 第一条
  | "cn" // 一、
  | "parenCn" // （一）
  | "arabic" // 1.  1、  1．
  | "box"; // 专栏 1

/** A marker found at the start of a line. */
export interface Marker {
  readonly type: MarkerType;
  readonly number: number;
  /** The marker as written in canonical form, e.g. "三、", "（二）", "2.", "专栏1", "第三条". */
  readonly label: string;
  /** The rest of the line after the marker. */
  readonly rest: string;
}

import { parseChineseNumber } from "../text/numerals.ts";

/** The numeral readers are shared with the answer stage (src/text/numerals.ts); re-exported for the corpus's callers. */
export { parseChineseNumber, toChineseNumber } from "../text/numerals.ts";

const CN = "[一二三四五六七八九十百千万零〇两]+";

interface MarkerRule {
  readonly type: MarkerType;
  readonly pattern: RegExp;
  readonly read: (m: RegExpExecArray) => number;
  readonly label: (n: string) => string;
}

// Order matters: the first rule that matches wins. Numbers have no upper bound: a long
// list (a 20,000-row task list) numbers past 999, and the sequence rule of the item
// parser, not the width of the number, keeps figures such as "2023、" from being markers.
const RULES: readonly MarkerRule[] = [
  { type: "chapter", pattern: new RegExp(`^第(${CN})章\\s*`), read: (m) => parseChineseNumber(m[1]!), label: (n) => `第${n}章` },
  { type: "part", pattern: new RegExp(`^第(${CN})节\\s*`), read: (m) => parseChineseNumber(m[1]!), label: (n) => `第${n}节` },
  { type: "article", pattern: new RegExp(`^第(${CN})条\\s*`), read: (m) => parseChineseNumber(m[1]!), label: (n) => `第${n}条` },
  { type: "parenCn", pattern: new RegExp(`^[（(](${CN})[）)]\\s*`), read: (m) => parseChineseNumber(m[1]!), label: (n) => `（${n}）` },
  { type: "cn", pattern: new RegExp(`^(${CN})[、，,．.]\\s*`), read: (m) => parseChineseNumber(m[1]!), label: (n) => `${n}、` },
  { type: "box", pattern: /^专栏\s*(\d+)\s*/, read: (m) => Number(m[1]), label: (n) => `专栏${n}` },
  // "1.5万人" and "2020.6" are numbers, not markers: the digit after the dot rules them out.
  { type: "arabic", pattern: /^(\d+)\s*[.．、](?!\d)\s*/, read: (m) => Number(m[1]), label: (n) => `${n}.` },
];

/** Reads the numbering marker at the start of a (trimmed) line, if any. */
export function readMarker(line: string): Marker | null {
  for (const rule of RULES) {
    const m = rule.pattern.exec(line);
    if (!m) continue;
    const number = rule.read(m);
    if (!Number.isFinite(number) || number <= 0) return null;
    const written = rule.type === "box" || rule.type === "arabic" ? String(number) : m[1]!;
    return { type: rule.type, number, label: rule.label(written), rest: line.slice(m[0].length) };
  }
  return null;
}

/** Marker types whose numbers run on across their parents (第十条 follows 第九条 into a new chapter). */
export const CONTINUOUS_TYPES: ReadonlySet<MarkerType> = new Set(["article"]);

/**
 * Normalises a label for comparison as CONTRACT §2 does: whitespace and the characters
 * 、（）().． removed, so 三、（二）2. equals 三（二）2.
 */
export function labelKey(label: string): string {
  return label.replace(/[\s、（）().．]/g, "");
}
