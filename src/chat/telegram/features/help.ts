/**
 * /start and /help: what the bot does and how to ask in this kind of chat, example
 * questions from the documents, and the commands of this chat (admins see theirs too).
 */
import { Composer, type Context } from "grammy";
import { helpReply } from "../../../commands/help.ts";
import { WORDING } from "../../../wording/wording.ts";
import { menuFor } from "../bot-profile.ts";
import { isAdmin, type BotDeps } from "../deps.ts";
import { sendReply } from "../replies.ts";

export function helpFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  composer.command(["start", "help"], (ctx) => {
    const privateChat = ctx.chat.type === "private";
    const reply = helpReply({
      intro: [privateChat ? WORDING.introPrivate : WORDING.introGroup(ctx.me.username)],
      documents: deps.service.corpus().documents.map((d) => d.meta),
      examples: deps.options.helpExamples,
      commands: menuFor(privateChat ? "private" : "group", isAdmin(deps, ctx.from?.id)),
    });
    return sendReply(ctx, deps, reply);
  });
  return composer;
}
