/**
 * Dates as circulars write them: 2023年2月20日, 2023 年 2 月 20 日 and, in signatures,
 * 二〇二三年二月二十日. One pattern and one reader, so that the date of issue, the day a
 * circular takes effect and the end of its validity are read alike.
 */
import { parseChineseNumber } from "./numbering.ts";

const YEAR_DIGITS = "〇零一二三四五六七八九";

const YEAR = `(\\d{4}|[${YEAR_DIGITS}]{4})`;
const MONTH = "(\\d{1,2}|[一二三四五六七八九十]{1,2})";
const DAY = "(\\d{1,2}|[一二三四五六七八九十]{1,3})";
/** A date; the day is optional (自2024年1月起). Groups: year, month, day. */
export const DATE_PATTERN = `${YEAR}\\s*年\\s*${MONTH}\\s*月(?:\\s*${DAY}\\s*日)?`;

/** A line that is a full date and nothing else (the date under a signature). */
const DATE_LINE = new RegExp(`^${DATE_PATTERN}$`);

function number(text: string): number {
  return /^\d+$/.test(text) ? Number(text) : parseChineseNumber(text);
}

/** The ISO form (YYYY-MM-DD, or YYYY-MM without a day) of a DATE_PATTERN match's groups; null when not a real date. */
export function isoDate(year: string, month: string, day: string | undefined): string | null {
  // A year is written digit by digit (二〇二三), not as a number (两千零二十三).
  const y = /^\d+$/.test(year) ? year : [...year].map((ch) => "零一二三四五六七八九".indexOf(ch === "〇" ? "零" : ch)).join("");
  const m = number(month);
  if (!(m >= 1 && m <= 12)) return null;
  const ym = `${y}-${String(m).padStart(2, "0")}`;
  if (day === undefined) return ym;
  const d = number(day);
  return d >= 1 && d <= 31 ? `${ym}-${String(d).padStart(2, "0")}` : null;
}

/** The ISO date of a line that is a full date and nothing else; null otherwise. */
export function dateOfLine(line: string): string | null {
  const m = DATE_LINE.exec(line);
  return m && m[3] !== undefined ? isoDate(m[1]!, m[2]!, m[3]) : null;
}
