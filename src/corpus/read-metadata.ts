/**
 * Derives a circular's title, document number, issuing body and date from its own
 * text (the cover letter or the first lines), never from a table of known files.
 */
import type { DocumentMeta } from "./types.ts";

/** How many leading lines count as the document's head (cover letter and title). */
const HEAD_LINES = 40;

const DOC_NUMBER = /^[\u4e00-\u9fff]{1,12}[〔［\[(（]\s*(\d{4})\s*[〕］\])）]\s*(\d{1,4})\s*号$/;
const DATE_LINE = /^(\d{4})年(\d{1,2})月(\d{1,2})日$/;
const ATTACHMENT_LINE = /^附件\s*\d*$/;
const ISSUER_END = /(厅|局|委员会|委|处|办公室|办|政府|部|中心|院|会)$/;

/** The ISO form of a date written 2023年2月20日. */
function isoDate(y: string, m: string, d: string): string {
  return `${y}-${m.padStart(2, "0")}-${d.padStart(2, "0")}`;
}

function stripBrackets(title: string): string {
  return title.replace(/^《|》$/g, "").trim();
}

/**
 * Reads metadata from the cleaned lines of a document.
 * The title is the name in 《》 that the cover letter issues (印发《…》), else the first
 * line that is not an attachment marker, document number or date.
 */
export function readMetadata(file: string, lines: readonly string[]): DocumentMeta {
  const head = lines.slice(0, HEAD_LINES);

  let docNumber: string | null = null;
  for (const line of head.slice(0, 12)) {
    if (DOC_NUMBER.test(line)) {
      docNumber = line.replace(/\s+/g, "");
      break;
    }
  }

  let date: string | null = null;
  let issuer: string | null = null;
  for (let i = 0; i < head.length; i++) {
    const m = DATE_LINE.exec(head[i]!);
    if (!m) continue;
    date = isoDate(m[1]!, m[2]!, m[3]!);
    const before = head[i - 1];
    if (before && ISSUER_END.test(before) && before.length <= 30) issuer = before;
    break;
  }

  // The cover letter names what it issues: 印发《X》 or 现将《X》印发 (印發 in traditional script). Lines wrap inside the name.
  const joined = head.join("");
  const issued = /印[发發]\s*(《[^》]{4,80}》)/.exec(joined) ?? /(《[^》]{4,80}》)[^《]{0,12}印[发發]/.exec(joined);
  let title = issued ? stripBrackets(issued[1]!) : "";
  if (!title) {
    const first = head.find((l) => !ATTACHMENT_LINE.test(l) && !DOC_NUMBER.test(l) && !DATE_LINE.test(l));
    title = first ?? file;
  }

  const yearFromTitle = /(\d{4})年/.exec(title);
  const year = date ? Number(date.slice(0, 4)) : yearFromTitle ? Number(yearFromTitle[1]) : null;
  return { file, title, docNumber, issuer, date, year };
}
