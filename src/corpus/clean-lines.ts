/**
 * Removes the artefacts of PDF and markdown conversion from a circular, line by line:
 * page numbers, markdown bold, bullets, odd spaces, footers. Line joining is left to the
 * item parser, which knows where items start.
 */

/** One non-empty line of the document after cleaning. */
export interface CleanLine {
  readonly text: string;
  /** Tab-separated cells when the raw line was a table cell line (starts with a tab), else null. */
  readonly cell: string | null;
  /** Original 0-based line number, for messages. */
  readonly lineNo: number;
}

// Lines that are layout, not content: page numbers (— 20 —, - 3 -, 第 2 页) and proofreader footers.
const DROP_LINE = [/^[—\-–－]{1,2}\s*\d{1,4}\s*[—\-–－]{1,2}$/, /^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$/, /^\d{1,4}$/, /^校核人[:：]/, /^(校对|核稿)人?[:：]/];

const ODD_SPACE = /[\u00a0\u2000-\u200b\u3000\ufeff]/g;
const CJK_OR_FULLWIDTH = "\\u2e80-\\u9fff\\uf900-\\ufaff\\uff00-\\uffef\\u3000-\\u303f\\u201c\\u201d\\u2018\\u2019\\u2014\\u2026";
// PDF extraction puts spaces between Chinese and digits ("2023 年", "1 号"); Chinese uses none.
const SPACE_NEAR_CJK = new RegExp(`(?<=[${CJK_OR_FULLWIDTH}])\\s+|\\s+(?=[${CJK_OR_FULLWIDTH}])`, "g");

/** Cleans one line's text (no newline inside). */
export function cleanText(line: string): string {
  return line
    .replace(ODD_SPACE, " ")
    .replace(/\*\*/g, "")
    // A bullet, but not the dash of a page number "- 3 -", which DROP_LINE must still see whole.
    .replace(/^\s*[-*•]\s+(?=\S)(?!\d{1,4}\s*[—\-–－]{1,2}\s*$)/, "")
    .replace(SPACE_NEAR_CJK, "")
    .replace(/\s{2,}/g, " ")
    .trim();
}

/** Splits a document into cleaned, non-empty lines; drops page numbers and footers. */
export function cleanLines(text: string): CleanLine[] {
  const out: CleanLine[] = [];
  const raw = text.replace(/\r\n?/g, "\n").split("\n");
  raw.forEach((line, lineNo) => {
    const isCell = line.startsWith("\t");
    const cleaned = cleanText(line.replace(/\t/g, " "));
    if (cleaned === "") return;
    if (!isCell && DROP_LINE.some((p) => p.test(cleaned))) return;
    out.push({ text: cleaned, cell: isCell ? cleaned : null, lineNo });
  });
  return out;
}
