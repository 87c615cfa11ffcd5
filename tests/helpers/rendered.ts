/**
 * What Telegram is sent for an answer or an item, page by page, for tests that check
 * the formatting of whole replies (escaping, limits, nothing lost).
 */
import type { Answer } from "../../src/answer/types.ts";
import { answerReply } from "../../src/commands/ask.ts";
import { itemPages } from "../../src/commands/item.ts";
import { allPages } from "../../src/commands/reply.ts";
import { pageHtml } from "../../src/chat/format/reply-html.ts";
import type { DocumentMeta, Item } from "../../src/corpus/types.ts";

/** Each page of the answer as Telegram HTML. */
export function answerPagesHtml(answer: Answer): string[] {
  return allPages(answerReply(answer)).map(pageHtml);
}

/** Each page of the item as Telegram HTML. */
export function itemPagesHtml(item: Item, meta: DocumentMeta): string[] {
  return allPages(itemPages(item, meta)).map(pageHtml);
}
