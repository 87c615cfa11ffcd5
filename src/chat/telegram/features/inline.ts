/**
 * Inline mode (`@bot 绩效工资` in any chat): lists matching items; choosing one posts
 * the item's text (its first page) with its citation.
 */
import { Composer, type Context } from "grammy";
import type { InlineQueryResultArticle } from "grammy/types";
import { citationLine } from "../../../answer/render-answer.ts";
import { itemPages } from "../../../commands/item.ts";
import { clipText } from "../../../commands/reply.ts";
import { WORDING } from "../../../wording/wording.ts";
import { pageHtml } from "../../format/reply-html.ts";
import { splitHtml } from "../../format/split-html.ts";
import type { BotDeps } from "../deps.ts";

/** Room left in a 4096-character message for the "see /item" note. */
const INLINE_TEXT_LIMIT = 3900;

export function inlineFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("inline_query", async (ctx) => {
    const query = ctx.inlineQuery.query.trim();
    const button = { text: WORDING.inlineButton, start_parameter: "inline" };
    if (!query) {
      await ctx.answerInlineQuery([], { cache_time: 60, button });
      return;
    }
    const hits = await deps.service.search(query, deps.options.inlineResults);
    const results: InlineQueryResultArticle[] = hits.map((hit, k) => {
      const pages = itemPages(hit.item, hit.meta);
      const parts = splitHtml(pageHtml(pages.page(0)), INLINE_TEXT_LIMIT);
      const text = parts.length > 1 || pages.pageCount > 1 ? `${parts[0]}\n\n${WORDING.inlineMore}` : (parts[0] ?? "");
      return {
        type: "article",
        id: String(k),
        title: citationLine({ title: hit.meta.title, docNumber: null, label: hit.item.label, kind: hit.item.kind }),
        description: clipText(hit.item.text.split("\n").find((l) => l.trim() !== "") ?? "", 100),
        input_message_content: { message_text: text, parse_mode: "HTML", link_preview_options: { is_disabled: true } },
      };
    });
    await ctx.answerInlineQuery(results, { cache_time: 300, button });
  });
  return composer;
}
