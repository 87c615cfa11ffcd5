/**
 * Parses one circular's text into its metadata (with the facts about it) and items, and
 * drops text that only repeats the document's own items (a table given twice, the second
 * copy degraded).
 */
import { cleanLines } from "./clean-lines.ts";
import { parseItems } from "./parse-items.ts";
import { readFacts } from "./read-facts.ts";
import { readHead, readMetadata } from "./read-metadata.ts";
import type { IngestProblem, Item, ParsedDocument } from "./types.ts";

/** Unlabelled text whose character pairs are mostly found in the items is a repeat. */
const REPEAT_SHARE = 0.7;
const REPEAT_MIN_CHARS = 200;

/** Character pairs, each as one number (two code points): cheaper to build and hash than two-character strings. */
function bigrams(text: string): Set<number> {
  const chars = text.replace(/[\s?？]/g, "");
  const out = new Set<number>();
  let prev = -1;
  for (let i = 0; i < chars.length; i++) {
    const cp = chars.codePointAt(i)!;
    if (cp > 0xffff) i++;
    if (prev >= 0) out.add(prev * 0x110000 + cp);
    prev = cp;
  }
  return out;
}

function dropRepeats(file: string, items: readonly Item[], problems: IngestProblem[]): Item[] {
  const known = new Set<number>();
  for (const it of items) if (it.label !== null) for (const b of bigrams(it.text)) known.add(b);
  const kept = items.filter((it) => {
    if (it.label !== null || it.text.length < REPEAT_MIN_CHARS) return true;
    const own = bigrams(it.text);
    let seen = 0;
    for (const b of own) if (known.has(b)) seen++;
    const share = seen / Math.max(1, own.size);
    if (share < REPEAT_SHARE) return true;
    problems.push({
      file,
      severity: "info",
      message:
        `${file}: skipped ${it.text.length} characters of unnumbered text that repeat the numbered items ` +
        `(${Math.round(share * 100)}% the same), e.g. a table given twice.`,
    });
    return false;
  });
  return kept.map((it, order) => ({ ...it, order }));
}

/**
 * A label names one item of its document, or a citation and `item FILE LABEL` cannot
 * tell which is meant. When numbering restarts (a second table from 序号 1, an
 * attachment with its own 一、二、) the repeat is qualified the way drafters insert
 * articles: the second 一、 becomes 一、之2, the third 一、之3.
 */
function uniqueLabels(items: readonly Item[]): Item[] {
  const seen = new Map<string, number>();
  return items.map((it) => {
    if (it.label === null) return it;
    const count = (seen.get(it.label) ?? 0) + 1;
    seen.set(it.label, count);
    return count === 1 ? it : { ...it, label: `${it.label}之${count}` };
  });
}

/** Parses a decoded document. `file` is its id (the seed file name). */
export function parseDocument(file: string, text: string): { document: ParsedDocument; problems: IngestProblem[] } {
  const problems: IngestProblem[] = [];
  const lines = cleanLines(text);
  const texts = lines.map((l) => l.text);
  const head = readHead(texts);
  const bare = readMetadata(file, texts, head);
  const items = uniqueLabels(dropRepeats(file, parseItems(file, lines), problems));
  const meta = { ...bare, facts: readFacts(texts, head, items, bare.title) };
  if (items.length > 0 && items.every((it) => it.label === null)) {
    problems.push({
      file,
      severity: "warning",
      message: `${file}: no numbering recognised (一、 / （一） / 1. / 第一条 / 序号 table); indexed as unnumbered text, cited by document only.`,
    });
  }
  return { document: { meta, items }, problems };
}
