/**
 * Rows of an indicator table inside an item (专栏1 “十四五”时期主要指标): a header line
 * such as `指标2020年2025年` names the columns, and each row (`1.技师学院数（所）45 >50`)
 * gives one value per column. Quoted as written, a row does not say which value is the
 * target; the lead names the columns.
 */

/** A header: 指标 followed by two or more years. */
const HEADER = /^指标\s*((?:\d{4}年\s*){2,})$/;
/** One cell: a number, possibly >50 or [200] (bracketed: a five-year total), or —— for none. */
const CELL = String.raw`(?:—+|\[?[>＞<＜]?\s*\d+(?:\.\d+)?\]?)`;

/**
 * The row with its columns named (`技师学院数（所）：2020年45，2025年>50`), or null when
 * `row` is not a row of an indicator table of `itemText`.
 */
export function readIndicatorRow(itemText: string, row: string): string | null {
  const header = itemText
    .split("\n")
    .map((l) => HEADER.exec(l.trim()))
    .find((m) => m !== null);
  if (!header) return null;
  const columns = header[1]!.match(/\d{4}年/g)!;
  const pattern = new RegExp(String.raw`^(?:\d{1,2}[.．])?\s*(.+?)\s*((?:${CELL}\s*){${columns.length}})(?:注[:：]\s*(.+?)[。.]?)?$`, "u");
  const m = pattern.exec(row.trim());
  if (!m) return null;
  const cells = m[2]!.match(new RegExp(CELL, "gu"))!.map((c) => c.replace(/\s+/g, ""));
  if (cells.length !== columns.length || /\d$/.test(m[1]!)) return null;
  const values = columns.map((year, i) => `${year}${/^—+$/.test(cells[i]!) ? "—" : cells[i]}`).join("，");
  return `${m[1]}：${values}${m[3] ? `（${m[3]}）` : ""}`;
}
