/**
 * Everything no other feature took: photos, stickers, voice, edits, unknown commands,
 * membership changes, channel posts. In private chats, where a person waits for a
 * reply, the bot says what it can do; elsewhere it stays quiet.
 */
import { Composer, type Context } from "grammy";
import type { BotDeps } from "../deps.ts";
import { WORDING } from "../../../wording/wording.ts";

export function fallbackFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const privateChat = composer.chatType("private");
  privateChat.on("message:text", (ctx) => ctx.reply(WORDING.unknownCommand));
  privateChat.on("edited_message", (ctx) => ctx.reply(WORDING.edited));
  privateChat.on("message", async (ctx) => {
    // Service messages (pins, chat created…) expect no reply.
    const m = ctx.message;
    const fromPerson = m.from && !m.from.is_bot;
    const isContent =
      m.photo || m.sticker || m.voice || m.video || m.video_note || m.audio || m.document || m.animation ||
      m.location || m.contact || m.poll || m.dice || m.venue || m.story;
    if (fromPerson && isContent) await ctx.reply(WORDING.nonText);
  });
  composer.use((ctx) => {
    deps.logger.debug("update ignored", { kind: Object.keys(ctx.update).filter((k) => k !== "update_id")[0] });
  });
  return composer;
}
