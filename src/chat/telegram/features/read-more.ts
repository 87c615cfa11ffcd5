/**
 * The reading buttons: 📄 sends a cited item's full text (its first page, with "更多"
 * when it is long), and "更多" sends the next page of a reply, taking the button off
 * the message it was pressed under so a page is not sent twice.
 */
import { Composer, type Context } from "grammy";
import { sourceReply } from "../../../commands/item.ts";
import { WORDING } from "../../../wording/wording.ts";
import { decodeCallback } from "../callback-data.ts";
import type { BotDeps } from "../deps.ts";
import { sendPage, sendReply } from "../replies.ts";

export function readMoreFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.callbackQuery(/^(src|more):/, async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    const pressed = ctx.callbackQuery.message;
    if (action?.kind === "source") {
      const reply = sourceReply(deps.service.corpus(), action.documentRef, action.label);
      if (!reply) {
        await ctx.answerCallbackQuery({ text: WORDING.sourceNotFound, show_alert: true });
        return;
      }
      await ctx.answerCallbackQuery();
      await sendReply(ctx, deps, reply, { replyTo: pressed?.message_id });
      return;
    }
    const reply = action?.kind === "more" ? deps.pages.get(action.replyId) : undefined;
    if (action?.kind !== "more" || !reply || action.page >= reply.pageCount) {
      await ctx.answerCallbackQuery({ text: WORDING.pageExpired, show_alert: true });
      return;
    }
    await ctx.answerCallbackQuery();
    const keyboard = pressed?.reply_markup?.inline_keyboard;
    if (keyboard) {
      const rest = keyboard
        .map((row) => row.filter((b) => !("callback_data" in b) || b.callback_data !== ctx.callbackQuery.data))
        .filter((row) => row.length > 0);
      await ctx
        .editMessageReplyMarkup({ reply_markup: { inline_keyboard: rest } })
        .catch((e: unknown) => deps.logger.debug("could not remove the 更多 button", { error: e }));
    }
    await sendPage(ctx, deps, reply, action.page, action.replyId, { replyTo: pressed?.message_id });
  });
  return composer;
}
