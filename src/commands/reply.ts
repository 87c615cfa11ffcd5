/**
 * The neutral shape of what a command answers: pages of blocks of lines, with buttons,
 * and no markup. Telegram renders a page as HTML (src/chat/format/reply-html.ts), the
 * terminal chat and the command line as text (reply-text.ts). A long reply has several
 * pages: the first is shown, the others on request (a "更多" button, or /more).
 */

/** A run of inline text: plain, or marked. */
export type Span = string | { readonly bold: string } | { readonly code: string } | { readonly italic: string };

/** One line of a block. */
export type Line = readonly Span[];

/** A quoted sentence, with the tag (［2］) that ties it to its source. */
export interface Quote {
  readonly text: string;
  readonly tag?: string;
}

export type Block =
  | { readonly kind: "text"; readonly lines: readonly Line[] }
  /** Sentences quoted from a circular; folded ones are shown collapsed until tapped (Telegram). */
  | { readonly kind: "quote"; readonly quotes: readonly Quote[]; readonly folded: boolean };

/** What a button does. Front ends without buttons (terminal, command line) leave them out. */
export type Action = { readonly kind: "source"; readonly file: string; readonly label: string };

export interface Button {
  readonly text: string;
  readonly action: Action;
}

/** What the pages after this one hold, for the "更多" button or the terminal's hint. */
export type More =
  | { readonly kind: "count"; readonly remaining: number; readonly unit: string }
  | { readonly kind: "part"; readonly next: number; readonly total: number };

/** One message: blocks separated by a blank line, buttons in rows under it. */
export interface Page {
  readonly blocks: readonly Block[];
  readonly buttons: readonly (readonly Button[])[];
  /** Set on every page but the last. */
  readonly more?: More;
}

/**
 * A command's reply. Pages are made on demand, so a reply that pages a very long item
 * costs nothing until a page is asked for.
 */
export interface Reply {
  readonly pageCount: number;
  page(index: number): Page;
  /** The command found nothing it was asked for (usage, unknown document or label): a command line exits non-zero. */
  readonly failed?: boolean;
}

/** Buttons per keyboard row: five fit a phone's width with short labels. */
export const BUTTONS_PER_ROW = 5;

/** A reply of pages made already. */
export function replyOf(...pages: Page[]): Reply {
  return { pageCount: pages.length, page: (k) => pages[k]! };
}

/** A one-page reply of plain lines. */
export function textReply(...lines: string[]): Reply {
  return replyOf({ blocks: [{ kind: "text", lines: lines.map((l) => [l]) }], buttons: [] });
}

/** A one-page reply saying what was not found. */
export function failedReply(...lines: string[]): Reply {
  return { ...textReply(...lines), failed: true };
}

/** Every page in order (for the command line, which has no buttons to wait for). */
export function allPages(reply: Reply): Page[] {
  return Array.from({ length: reply.pageCount }, (_, k) => reply.page(k));
}

/** Lays buttons out in rows of {@link BUTTONS_PER_ROW}. */
export function buttonRows(buttons: readonly Button[]): Button[][] {
  const rows: Button[][] = [];
  for (let k = 0; k < buttons.length; k += BUTTONS_PER_ROW) rows.push(buttons.slice(k, k + BUTTONS_PER_ROW));
  return rows;
}

/** Splits `entries` into pages of `perPage`: the index ranges, at least one (possibly empty). */
export function pageRanges(total: number, perPage: number): { from: number; to: number }[] {
  const ranges: { from: number; to: number }[] = [];
  for (let from = 0; from < total; from += perPage) ranges.push({ from, to: Math.min(total, from + perPage) });
  return ranges.length > 0 ? ranges : [{ from: 0, to: 0 }];
}

/** `text` cut to `max` characters (code points) with …. */
export function clipText(text: string, max: number): string {
  const chars = Array.from(text.trim());
  return chars.length <= max ? chars.join("") : chars.slice(0, max).join("") + "…";
}

/** The text a line reads as, markup aside. */
export function lineText(line: Line): string {
  return line.map((s) => (typeof s === "string" ? s : "bold" in s ? s.bold : "code" in s ? s.code : s.italic)).join("");
}
