/**
 * Finds where a fact about a document stands in its items: the item and the exact words
 * of its text. Facts read by layout come from the cleaned lines, while an item's text
 * joins those lines (with a break, a space or nothing); the words are therefore found
 * with whitespace aside, and the quote is cut from the item's own text, so that the
 * answer stage can cite it without re-parsing anything.
 */
import type { FactSource, Item } from "./types.ts";

const isSpace = (ch: string) => ch === " " || ch === "\n" || ch === "\t";

/** A text without whitespace, and for each of its characters the index in the original. */
function squeeze(text: string): { readonly text: string; readonly at: readonly number[] } {
  let out = "";
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (isSpace(text[i]!)) continue;
    out += text[i];
    at.push(i);
  }
  return { text: out, at };
}

/** The source for the characters start..end of an item's text. */
export function sourceAt(item: Item, start: number, end: number): FactSource {
  return { order: item.order, label: item.label, quote: item.text.slice(start, end) };
}

/**
 * The first item whose text holds `words` (whitespace aside), as a source quoting exactly
 * those words; null when no item holds them. With `before`, an item holding `before`
 * followed by `words` is preferred (a date under its signature rather than the same date
 * in a sentence).
 */
export function findSource(items: readonly Item[], words: string, before?: string): FactSource | null {
  const target = squeeze(words).text;
  if (target === "") return null;
  const lead = squeeze(before ?? "").text;
  const search = (prefix: string): FactSource | null => {
    // A cheap test first: most items do not hold even the first character (one character cannot be split by a break).
    const probe = (prefix || target)[0]!;
    for (const item of items) {
      if (!item.text.includes(probe)) continue;
      const flat = squeeze(item.text);
      const at = flat.text.indexOf(prefix + target);
      if (at < 0) continue;
      const start = flat.at[at + prefix.length]!;
      const end = flat.at[at + prefix.length + target.length - 1]! + 1;
      return sourceAt(item, start, end);
    }
    return null;
  };
  return (lead ? search(lead) : null) ?? search("");
}
