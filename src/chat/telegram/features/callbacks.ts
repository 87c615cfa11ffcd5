/**
 * Inline-button presses: 📄 原文 sends the cited item's full text (resolved from the
 * compact `src:004:33` data), 👍/👎 store a vote with the answer it judges. Anything
 * else (old or foreign buttons) gets a short notice and never an error.
 */
import { Composer, type Context } from "grammy";
import { renderItemHtml } from "../../format/answer-html.ts";
import { decodeCallback } from "../callback-data.ts";
import type { BotDeps } from "../deps.ts";
import { sendHtml } from "../replies.ts";
import { resolveDocument } from "../resolve-document.ts";
import { WORDING } from "../wording.ts";

export function callbacksFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("callback_query:data", async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    if (!action) {
      await ctx.answerCallbackQuery({ text: WORDING.buttonExpired });
      return;
    }
    if (action.kind === "source") {
      const doc = resolveDocument(action.filePrefix, deps.service.documents());
      const found = doc.kind === "found" ? deps.service.item(doc.meta.file, action.label) : undefined;
      if (!found?.found) {
        await ctx.answerCallbackQuery({ text: WORDING.sourceNotFound, show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery();
      await sendHtml(ctx, renderItemHtml(found.item, found.meta), { replyTo: ctx.callbackQuery.message?.message_id });
      return;
    }
    await deps.journal.recordVote({
      answerId: action.answerId,
      vote: action.vote,
      userId: ctx.from.id,
      chatId: ctx.chat?.id ?? null,
    });
    deps.logger.info("feedback", { vote: action.vote });
    await ctx.answerCallbackQuery({ text: WORDING.voteThanks[action.vote] });
  });
  // Buttons without data (games) are not ours; answer so the client stops spinning.
  composer.on("callback_query", (ctx) => ctx.answerCallbackQuery({ text: WORDING.buttonExpired }));
  return composer;
}
