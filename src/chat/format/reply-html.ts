/**
 * A command's page as Telegram HTML: bold, code and italic runs, quotes as
 * <blockquote> (folded ones as <blockquote expandable>), blocks a blank line apart.
 * Every piece of text is escaped; only the markup written here is raw.
 */
import type { Block, Line, Page } from "../../commands/reply.ts";
import { escapeHtml } from "./escape-html.ts";

function lineHtml(line: Line): string {
  return line
    .map((s) => {
      if (typeof s === "string") return escapeHtml(s);
      if ("bold" in s) return `<b>${escapeHtml(s.bold)}</b>`;
      if ("code" in s) return `<code>${escapeHtml(s.code)}</code>`;
      return `<i>${escapeHtml(s.italic)}</i>`;
    })
    .join("");
}

function blockHtml(block: Block): string {
  if (block.kind === "text") return block.lines.map(lineHtml).join("\n");
  const body = block.quotes.map((q) => escapeHtml(q.text) + (q.tag ? escapeHtml(q.tag) : "")).join("\n");
  return `<blockquote${block.folded ? " expandable" : ""}>${body}</blockquote>`;
}

/** The page's text as Telegram HTML (buttons are the sender's). */
export function pageHtml(page: Page): string {
  return page.blocks.map(blockHtml).join("\n\n");
}
