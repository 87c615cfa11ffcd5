/**
 * Document numbers (文号, e.g. 鲁教职处函〔2023〕1号): found in any text and written in
 * one canonical form, so that a number typed in a question, cited in a circular or
 * printed at its head names the same document whatever brackets, widths and spaces
 * were used (鲁教职处函[2023]第1号, 鲁教职处函（２０２３）1 号).
 */

/** A document number found in text. */
export interface DocNumberMatch {
  /** The number as written, e.g. "鲁教职处函[2023]第1号". */
  readonly text: string;
  /** Where `text` starts in the searched text. */
  readonly index: number;
  /**
   * The Chinese characters before the year (up to 12), e.g. 鲁教职处函. In running text
   * they may begin with words that are not part of the number (请问鲁教职处函…); use
   * {@link sameDocNumber} to compare, which allows for that.
   */
  readonly prefix: string;
  readonly year: number;
  /** The serial number, without leading zeros. */
  readonly serial: number;
  /** Canonical form: prefix〔year〕serial号. */
  readonly normalized: string;
}

const OPEN = "〔［\\[【(（﹝〖";
const CLOSE = "〕］\\]】)）﹞〗";
// The issuer's code is Chinese (鲁教职处函, 中办发, 教职成); the year is 19xx or 20xx, so
// that amounts in brackets (（100）) are not taken for years.
const DOC_NUMBER = new RegExp(`([\\u4e00-\\u9fff]{0,12})\\s*[${OPEN}]\\s*((?:19|20)\\d{2})\\s*[${CLOSE}]\\s*第?\\s*(\\d{1,6})\\s*号`, "g");

/** Folds full-width digits (２０２３) to ASCII, one character for one, so indexes stay valid. */
function foldDigits(text: string): string {
  return text.replace(/[\uff10-\uff19]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

/** Every document number in `text`, in order. */
export function findDocNumbers(text: string): DocNumberMatch[] {
  const out: DocNumberMatch[] = [];
  for (const m of foldDigits(text).matchAll(DOC_NUMBER)) {
    const prefix = m[1]!;
    const year = Number(m[2]);
    const serial = Number(m[3]);
    const written = text.slice(m.index, m.index + m[0].length);
    out.push({ text: written, index: m.index, prefix, year, serial, normalized: `${prefix}〔${year}〕${serial}号` });
  }
  return out;
}

/** The canonical form of a text that is one document number and nothing else; null otherwise. */
export function normalizeDocNumber(text: string): string | null {
  const trimmed = text.trim();
  const found = findDocNumbers(trimmed);
  return found.length === 1 && found[0]!.index === 0 && found[0]!.text.length === trimmed.length ? found[0]!.normalized : null;
}

/**
 * Whether a number found in text names the document whose (canonical) number is
 * `docNumber`: same year and serial, and a prefix that ends with the document's
 * (words typed before it), is a tail of it of two or more characters (教职处函 for
 * 鲁教职处函), or is missing (〔2023〕1号).
 */
export function sameDocNumber(found: DocNumberMatch, docNumber: string): boolean {
  const own = findDocNumbers(docNumber)[0];
  if (!own || own.year !== found.year || own.serial !== found.serial) return false;
  const typed = found.prefix;
  return typed === "" || typed.endsWith(own.prefix) || (typed.length >= 2 && own.prefix.endsWith(typed));
}

/** The documents a text names by number (e.g. a question "鲁教职处函〔2023〕1号是什么文件"), in the documents' order. */
export function documentsByNumber<T extends { readonly meta: { readonly docNumber: string | null } }>(
  text: string,
  documents: readonly T[],
): T[] {
  const found = findDocNumbers(text);
  if (found.length === 0) return [];
  return documents.filter((d) => d.meta.docNumber !== null && found.some((f) => sameDocNumber(f, d.meta.docNumber!)));
}
