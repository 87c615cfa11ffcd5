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

const DIGITS: Record<string, number> = {
  零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
};

/** Reads a Chinese numeral of any size used in numbering (一, 十二, 一百零五, 一千零一, 两万三千); NaN when malformed. */
export function parseChineseNumber(text: string): number {
  if (text.length === 0) return NaN;
  let tenThousands = 0;
  let total = 0;
  let current = 0;
  for (const ch of text) {
    if (ch in DIGITS) {
      current = DIGITS[ch]!;
    } else if (ch === "十" || ch === "百" || ch === "千") {
      const unit = ch === "十" ? 10 : ch === "百" ? 100 : 1000;
      total += (current === 0 ? 1 : current) * unit;
      current = 0;
    } else if (ch === "万" && tenThousands === 0) {
      tenThousands = (total + current) * 10000;
      total = 0;
      current = 0;
    } else {
      return NaN;
    }
  }
  return tenThousands + total + current;
}

const DIGIT_CHARS = "零一二三四五六七八九";

/** Writes 0..9999; a leading 一十 is written 十 only at the start of the whole numeral. */
function belowTenThousand(n: number, leading: boolean): string {
  const digits = [Math.floor(n / 1000), Math.floor(n / 100) % 10, Math.floor(n / 10) % 10, n % 10];
  const units = ["千", "百", "十", ""];
  let out = "";
  let zero = false;
  digits.forEach((digit, i) => {
    if (digit === 0) {
      zero ||= out !== "";
      return;
    }
    if (zero) out += "零";
    zero = false;
    if (!(leading && out === "" && digit === 1 && i === 2)) out += DIGIT_CHARS[digit];
    out += units[i];
  });
  return out;
}

/** Writes a positive integer below 10^8 as a Chinese numeral (一, 十, 十四, 一百一十, 一千零一, 一万零一十). */
export function toChineseNumber(n: number): string {
  if (n < 10) return DIGIT_CHARS[n]!;
  const high = Math.floor(n / 10000);
  const low = n % 10000;
  if (high === 0) return belowTenThousand(n, true);
  const rest = low === 0 ? "" : (low < 1000 ? "零" : "") + belowTenThousand(low, false);
  return toChineseNumber(high) + "万" + rest;
}

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
