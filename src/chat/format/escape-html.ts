/**
 * Escaping for Telegram's HTML parse mode. Telegram recognises only the three entities
 * below (plus numeric ones), so every piece of document or user text goes through here
 * before it is placed inside markup.
 */

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Escapes `&`, `<`, `>` (and `"`, so the result is also safe inside an attribute). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ENTITIES[c]!);
}

/** Reverses {@link escapeHtml} and drops tags: the text a reader sees. */
export function htmlToPlainText(html: string): string {
  return html
    .replace(/<[^>]*>/g, "")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&amp;/g, "&");
}
