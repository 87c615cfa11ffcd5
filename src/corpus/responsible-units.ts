/**
 * Splits a responsibility statement (（责任单位：A、B，C） or a 责任部门 cell) into unit
 * names in the document's order, and reads the lead unit where the text names one
 * (由X牵头). The order of a list alone does not say who leads.
 */

// Notes inside the parenthesis that are not units (黑体为牵头部门，下同).
const NOT_A_UNIT = /为牵头|下同|^等$|^以下/;
// A region prefix such as 各市 in 各市、县（市、区）人民政府 belongs to the unit after it.
const REGION_PREFIX = /^(各?[省市县区]|各市|各县)$/;

/** Splits on the separators outside parentheses, so that 县（市、区） stays whole. */
export function splitOutsideParens(text: string, separator: RegExp = /[、，,；;及]/): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "（" || ch === "(") depth++;
    if (ch === "）" || ch === ")") depth = Math.max(0, depth - 1);
    if (depth === 0 && separator.test(ch)) {
      parts.push(current);
      current = "";
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

/** Splits a list of responsible units; returns [] when nothing unit-like remains. */
export function splitUnits(statement: string): string[] {
  const raw = splitOutsideParens(statement.replace(/\s+/g, ""))
    .map((p) => p.replace(/等$/, "").trim())
    .filter((p) => p !== "" && !NOT_A_UNIT.test(p));
  const units: string[] = [];
  let prefix = "";
  for (const part of raw) {
    if (REGION_PREFIX.test(part)) {
      prefix += part + "、";
      continue;
    }
    units.push(prefix + part);
    prefix = "";
  }
  if (prefix) units.push(prefix.replace(/、$/, ""));
  return units;
}

const STATEMENT = /[（(]\s*责\s*任\s*(?:单\s*位|部\s*门)\s*[:：]/g;

/**
 * Finds the last （责任单位：…） statement in an item's text and returns its units,
 * or null when the item names none.
 */
export function unitsFromStatement(text: string): string[] | null {
  let last: RegExpExecArray | null = null;
  for (const m of text.matchAll(STATEMENT)) last = m as RegExpExecArray;
  if (!last) return null;
  // The statement runs to the parenthesis that closes it; inner ones (县（市、区）) are balanced.
  let depth = 1;
  let end = last.index + last[0].length;
  for (; end < text.length && depth > 0; end++) {
    const ch = text[end];
    if (ch === "（" || ch === "(") depth++;
    if (ch === "）" || ch === ")") depth--;
  }
  const body = text.slice(last.index + last[0].length, depth === 0 ? end - 1 : end);
  const units = splitUnits(body);
  return units.length > 0 ? units : null;
}

const OPENER = /[（(]\s*责\s*任\s*(?:单\s*位|部\s*门)\s*[:：]/;

/** True when the text holds the opening of a （责任单位： statement. */
export function opensStatement(text: string): boolean {
  return OPENER.test(text);
}

// How a circular names the unit that leads a measure: 由X牵头, （X牵头，Y配合）, 牵头单位：X.
// Typography (黑体为牵头部门) is lost in the text and is not read.
const LEAD_PATTERNS: readonly RegExp[] = [
  /由([^，。；、：（）()\s]{2,30}?)牵头/,
  /[（(]由?([^（）()，。；：由]{2,40}?)牵头(?:[，、；][^（）()]*)?[）)]/,
  /牵头(?:单位|部门)\s*[:：]\s*([^，。；;）)\n]+)/,
];

/** The unit an item's text says leads it, as written; null when the text does not say. */
export function leadOf(text: string): string | null {
  if (!text.includes("牵头")) return null;
  let best: { at: number; unit: string } | null = null;
  for (const pattern of LEAD_PATTERNS) {
    const m = pattern.exec(text);
    if (m && (best === null || m.index < best.at)) best = { at: m.index, unit: m[1]!.trim() };
  }
  return best && best.unit !== "" ? best.unit : null;
}
