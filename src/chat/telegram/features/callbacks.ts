/**
 * Inline-button presses not taken by the reading buttons (read-more.ts): 👍/👎 store a
 * vote with the answer it judges. Anything else (old or foreign buttons) gets a short
 * notice and never an error.
 */
import { Composer, type Context } from "grammy";
import { WORDING } from "../../../wording/wording.ts";
import { decodeCallback } from "../callback-data.ts";
import type { BotDeps } from "../deps.ts";

export function callbacksFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("callback_query:data", async (ctx) => {
    const action = decodeCallback(ctx.callbackQuery.data);
    if (action?.kind !== "vote") {
      await ctx.answerCallbackQuery({ text: WORDING.buttonExpired });
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
