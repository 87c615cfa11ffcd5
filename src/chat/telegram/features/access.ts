/**
 * Access control by settings.telegram.allowedChatIds: other chats get one polite
 * refusal (once per chat while the bot runs) and nothing else. Inline queries have no
 * chat; they are allowed when the asking user's private chat is.
 */
import { Composer, type Context } from "grammy";
import type { BotDeps } from "../deps.ts";
import { WORDING } from "../../../wording/wording.ts";

export function accessFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const allowed = deps.settings.telegram.allowedChatIds;
  if (!allowed) return composer;
  const allowedSet = new Set(allowed);
  const refused = new Set<number>();

  composer.use(async (ctx, next) => {
    const chatId = ctx.chat?.id ?? (ctx.inlineQuery ? ctx.from?.id : undefined);
    if (chatId === undefined || allowedSet.has(chatId)) return next();
    if (ctx.inlineQuery) {
      await ctx.answerInlineQuery([], { cache_time: 300 });
      return;
    }
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: WORDING.notAllowed });
      return;
    }
    if (refused.has(chatId) || !ctx.message || ctx.chat?.type === "channel") return;
    refused.add(chatId);
    deps.logger.info("refused chat", { chatType: ctx.chat?.type });
    await ctx.reply(WORDING.notAllowed);
  });
  return composer;
}
