/**
 * The introduction a group gets once, when the bot is added to it (my_chat_member):
 * what the bot does and how to ask there (@mention, a reply, or /ask). Promotions and
 * other changes of a bot that is already a member say nothing.
 */
import { Composer, type Context } from "grammy";
import type { ChatMember } from "grammy/types";
import { WORDING } from "../../../wording/wording.ts";
import type { BotDeps } from "../deps.ts";

const isMember = (m: ChatMember) =>
  m.status === "member" || m.status === "administrator" || m.status === "creator" || (m.status === "restricted" && m.is_member);

export function greetingFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.on("my_chat_member", async (ctx, next) => {
    const { old_chat_member: before, new_chat_member: now } = ctx.myChatMember;
    const group = ctx.chat.type === "group" || ctx.chat.type === "supergroup";
    if (!group || isMember(before) || !isMember(now)) return next();
    deps.logger.info("added to a group", { chatType: ctx.chat.type });
    await ctx.reply(WORDING.groupGreeting(ctx.me.username));
  });
  return composer;
}
