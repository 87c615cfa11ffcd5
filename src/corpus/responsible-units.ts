/**
 * Splits a responsibility statement (（责任单位：A、B，C） or a 责任部门 cell) into unit
 * names in the document's order. By the documents' convention the first is the lead.
 */

// Notes inside the parenthesis that are not units (黑体为牵头部门，下同).
const NOT_A_UNIT = /为牵头|下同|^等$|^以下/;
// A region prefix such as 各市 in 各市、县（市、区）人民政府 belongs to the unit after it.
const REGION_PREFIX = /^(各?[省市县区]|各市|各县)$/;

/** Splits on 、，,；; and 及 outside parentheses. */
function splitOutsideParens(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = "";
  for (const ch of text) {
    if (ch === "（" || ch === "(") depth++;
    if (ch === "）" || ch === ")") depth = Math.max(0, depth - 1);
    if (depth === 0 && /[、，,；;及]/.test(ch)) {
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
