/**
 * Chinese numerals, read one way everywhere: the item parser reads markers (第十二条,
 * 三、), the answer stage reads figures (两千, 一百零五) and years written digit by digit
 * (二〇二三). Plan periods (十三五, 十四五) are names, not numbers: read as a number,
 * 十四五 would be 15.
 */

const DIGITS: Readonly<Record<string, number>> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };
const UNITS: Readonly<Record<string, number>> = { 十: 10, 百: 100, 千: 1000 };
const MYRIADS: Readonly<Record<string, number>> = { 万: 10_000, 亿: 100_000_000 };

/** The characters a Chinese numeral is written with, for building patterns. */
export const CHINESE_NUMERAL_CHARS = "零〇一二三四五六七八九十百千万亿两";

/** Reads a section below 万 (一百零五, 二十三, 十二); NaN when malformed. */
function readSection(text: string): number {
  let total = 0;
  let digit: number | null = null;
  let lastUnit = Infinity;
  for (const ch of text) {
    if (ch in DIGITS) {
      // Two digits in a row without a unit between them (十四五, 一二) is not a numeral,
      // except a zero that marks a skipped place (一百零五).
      if (digit !== null && digit !== 0) return NaN;
      digit = DIGITS[ch]!;
    } else if (ch in UNITS) {
      const unit = UNITS[ch]!;
      if (unit >= lastUnit) return NaN;
      total += (digit === null || digit === 0 ? (digit === 0 ? NaN : 1) : digit) * unit;
      lastUnit = unit;
      digit = null;
    } else {
      return NaN;
    }
  }
  return total + (digit ?? 0);
}

/**
 * Reads a Chinese numeral: 一 → 1, 十二 → 12, 一百零五 → 105, 两千 → 2000, 三万五千 → 35000,
 * and a number written digit by digit, as years are (二〇二三 → 2023). NaN when the text is not
 * one numeral (十四五, a plan period, is NaN).
 */
export function parseChineseNumber(text: string): number {
  if (text.length === 0) return NaN;
  // Digit by digit: only digits, at least two, at least one of them 〇/零 or four of them (一九九八).
  if ([...text].every((ch) => ch in DIGITS) && text.length >= 2) {
    if (text.length >= 4 || /[〇零]/.test(text)) return Number([...text].map((ch) => DIGITS[ch]).join(""));
    return NaN;
  }
  let total = 0;
  let rest = text;
  for (const [ch, value] of Object.entries(MYRIADS).reverse()) {
    const at = rest.indexOf(ch);
    if (at < 0) continue;
    const head = at === 0 ? NaN : readSection(rest.slice(0, at));
    if (!Number.isFinite(head)) return NaN;
    total += head * value;
    rest = rest.slice(at + 1);
  }
  if (rest === "") return total;
  const section = readSection(rest.replace(/^零/, ""));
  return Number.isFinite(section) ? total + section : NaN;
}

/** Reads 12 or 十二 alike; NaN when neither. */
export function parseNumber(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : parseChineseNumber(text);
}

/** The five-year plan a name such as 十四五 or "十四五" refers to (14), or null. */
export function planPeriod(text: string): number | null {
  const m = /^([一二三四五六七八九十]{1,3})五$/.exec(text);
  if (!m) return null;
  const n = parseChineseNumber(m[1]!);
  return Number.isFinite(n) ? n : null;
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

