/**
 * A command's page as plain text, for the terminal chat and the command line: markup
 * dropped, quotes in 「」, blocks a blank line apart, and in place of a "更多" button a
 * hint to type /more (the command line prints every page instead).
 */
import { lineText, type Block, type More, type Page } from "../../commands/reply.ts";
import { WORDING } from "../../wording/wording.ts";

function blockText(block: Block): string {
  if (block.kind === "text") return block.lines.map(lineText).join("\n");
  return block.quotes.map((q) => `「${q.text}」${q.tag ?? ""}`).join("\n");
}

/** The terminal's hint for the next page. */
export function moreHint(more: More): string {
  return more.kind === "count" ? WORDING.moreHint(more.remaining, more.unit) : WORDING.morePartHint(more.next, more.total);
}

/** The page as text; `hint` adds the /more hint when more pages follow. */
export function pageText(page: Page, options: { hint?: boolean } = {}): string {
  const parts = page.blocks.map(blockText);
  if (options.hint && page.more) parts.push(moreHint(page.more));
  return parts.join("\n\n");
}
