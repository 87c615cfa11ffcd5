/**
 * Derives a circular's title, document number, issuing body and date from its own
 * text (the cover letter or the first lines, else the signature at its end), never from
 * a table of known files. The line each was read from is kept for the facts' sources.
 */
import { dateOfLine } from "./chinese-date.ts";
import { normalizeDocNumber } from "./document-number.ts";
import type { DocumentMeta } from "./types.ts";

/** How many leading lines count as the document's head (cover letter and title). */
const HEAD_LINES = 40;
/** How many closing lines may hold the signature of a circular without a cover letter. */
const TAIL_LINES = 15;
/** The 文号 stands on its own line near the top. */
const DOC_NUMBER_LINES = 12;

const ATTACHMENT_LINE = /^附件\s*\d*$/;
const ISSUER_END = /(厅|局|委员会|委|处|办公室|办|政府|部|中心|院|会)$/;

/** A value read from one line of the document. */
export interface LineValue<T> {
  readonly value: T;
  /** Index of the line (into the lines given). */
  readonly line: number;
  /** The words on that line the value was read from. */
  readonly words: string;
}

/** What the head (or the signature) of a circular says about it. */
export interface Head {
  readonly docNumber: LineValue<string> | null;
  readonly issuer: LineValue<string> | null;
  readonly date: LineValue<string> | null;
}

/** Whether a line reads as the name of an issuing body (the line over the date of a signature). */
export function isIssuerLine(line: string): boolean {
  return ISSUER_END.test(line) && line.length <= 30;
}

/** Finds the signature: a date line, with the issuer on the line before it when it reads as a body's name. */
function signature(lines: readonly string[], from: number, to: number): Pick<Head, "issuer" | "date"> | null {
  for (let i = from; i < to; i++) {
    const date = dateOfLine(lines[i]!);
    if (!date) continue;
    const before = lines[i - 1];
    const issuer = before && isIssuerLine(before) ? { value: before, line: i - 1, words: before } : null;
    return { issuer, date: { value: date, line: i, words: lines[i]! } };
  }
  return null;
}

/** Reads the 文号, the issuer and the date of issue from the lines of a document. */
export function readHead(lines: readonly string[]): Head {
  let docNumber: LineValue<string> | null = null;
  for (let i = 0; i < Math.min(DOC_NUMBER_LINES, lines.length); i++) {
    const value = normalizeDocNumber(lines[i]!);
    if (value) {
      docNumber = { value, line: i, words: lines[i]! };
      break;
    }
  }
  const head = Math.min(HEAD_LINES, lines.length);
  const signed = signature(lines, 0, head) ?? signature(lines, Math.max(head, lines.length - TAIL_LINES), lines.length);
  return { docNumber, issuer: signed?.issuer ?? null, date: signed?.date ?? null };
}

function stripBrackets(title: string): string {
  return title.replace(/^《|》$/g, "").trim();
}

/**
 * Reads metadata from the cleaned lines of a document.
 * The title is the name in 《》 that the cover letter issues (印发《…》), else the first
 * line that is not an attachment marker, document number or date.
 */
export function readMetadata(file: string, lines: readonly string[], head: Head = readHead(lines)): DocumentMeta {
  const headLines = lines.slice(0, HEAD_LINES);
  // The cover letter names what it issues: 印发《X》 or 现将《X》印发 (印發 in traditional script). Lines wrap inside the name.
  const joined = headLines.join("");
  const issued = /印[发發]\s*(《[^》]{4,80}》)/.exec(joined) ?? /(《[^》]{4,80}》)[^《]{0,12}印[发發]/.exec(joined);
  let title = issued ? stripBrackets(issued[1]!) : "";
  if (!title) {
    const first = headLines.find((l) => !ATTACHMENT_LINE.test(l) && normalizeDocNumber(l) === null && dateOfLine(l) === null);
    title = first ?? file;
  }

  const date = head.date?.value ?? null;
  const yearFromTitle = /(\d{4})年/.exec(title);
  const year = date ? Number(date.slice(0, 4)) : yearFromTitle ? Number(yearFromTitle[1]) : null;
  return { file, title, docNumber: head.docNumber?.value ?? null, issuer: head.issuer?.value ?? null, date, year };
}
