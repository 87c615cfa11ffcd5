/**
 * Questions: any text in a private chat, /ask everywhere, and in groups the messages
 * that mention the bot or reply to it. Each question is rate-limited per user, answered
 * with "typing…" shown, laid out for a phone (src/commands/ask.ts), logged, and given 📄 and 👍/👎 buttons.
 */
import { randomBytes } from "node:crypto";
import { Composer, type Context } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { limit } from "@grammyjs/ratelimiter";
import { answerReply } from "../../../commands/ask.ts";
import { WORDING } from "../../../wording/wording.ts";
import { encodeCallback } from "../callback-data.ts";
import { previousTurn, rememberTurn } from "../conversation-session.ts";
import type { BotDeps } from "../deps.ts";
import { questionForBot } from "../group-trigger.ts";
import { sendReply, withTyping } from "../replies.ts";

const RATE_WINDOW_MS = 60_000;

/** A short random id that names one answer in vote buttons and the logs. */
export function newAnswerId(): string {
  return randomBytes(6).toString("base64url");
}

/** The 👍 / 👎 row under an answer. */
export function voteRow(answerId: string): InlineKeyboardButton[] {
  return [
    { text: "👍", callback_data: encodeCallback({ kind: "vote", vote: "up", answerId })! },
    { text: "👎", callback_data: encodeCallback({ kind: "vote", vote: "down", answerId })! },
  ];
}

/** Answers `question` in the chat of `ctx`, replying to the message that asked it. */
export async function answerQuestion(ctx: Context, deps: BotDeps, question: string): Promise<void> {
  const chat = ctx.chat!;
  const started = performance.now();
  const previous = await previousTurn(ctx);
  const answer = await withTyping(ctx, deps.options.typingIntervalMs, deps.logger, () => deps.service.ask(question, { previous }));
  rememberTurn(ctx, answer.turn);
  const answerId = newAnswerId();
  await sendReply(ctx, deps, answerReply(answer), { replyTo: ctx.msg?.message_id, extraRows: [voteRow(answerId)] });
  // The answer is out: recorded as such first, so that a process killed from here on does not send it again.
  await deps.ledger
    .replied(ctx.update, ctx.me.id)
    .catch((e: unknown) => deps.logger.error("could not mark an update done", { updateId: ctx.update.update_id, error: e }));
  const ms = Math.round(performance.now() - started);
  const { refused, citations } = answer;
  deps.logger.info("answered", { updateId: ctx.update.update_id, chatType: chat.type, refused, citations: citations.length, ms });
  await deps.journal
    .recordQuestion({
      answerId,
      time: new Date().toISOString(),
      chatId: chat.id,
      userId: ctx.from?.id ?? null,
      chatType: chat.type,
      question,
      refused: answer.refused,
      citations: answer.citations.map((c) => ({ file: c.file, item: c.label })),
      ms,
    })
    .catch((e: unknown) => deps.logger.error("could not log question", { error: e }));
}

/** The question a message carries for this bot, or undefined when it is not one. */
function questionOf(ctx: Context): string | undefined {
  const msg = ctx.message;
  if (!msg?.text || !ctx.chat) return undefined;
  const command = /^\/ask(?:@(\S+))?(?:\s+([\s\S]*))?$/i.exec(msg.text);
  if (command) {
    const target = command[1];
    if (target && target.toLowerCase() !== ctx.me.username.toLowerCase()) return undefined;
    return (command[2] ?? "").trim();
  }
  if (msg.text.startsWith("/")) return undefined;
  if (ctx.chat.type === "private") return msg.text.trim();
  if (ctx.chat.type === "group" || ctx.chat.type === "supergroup") return questionForBot(msg, ctx.me);
  return undefined;
}

export function askFeature(deps: BotDeps): Composer<Context> {
  const composer = new Composer<Context>();
  const questions = composer.filter((ctx) => questionOf(ctx) !== undefined);
  questions.use(
    limit<Context, never>({
      timeFrame: RATE_WINDOW_MS,
      limit: deps.settings.telegram.rateLimitPerMinute,
      keyGenerator: (ctx) => ctx.from?.id.toString(),
      // The limiter calls this once per window, on the first message over the limit.
      onLimitExceeded: async (ctx) => {
        deps.logger.info("rate limited", { chatType: ctx.chat?.type });
        await ctx.reply(WORDING.rateLimited).catch(() => {});
      },
    }),
  );
  questions.use(async (ctx) => {
    const question = questionOf(ctx)!;
    if (!question) {
      const hint = ctx.chat?.type === "private" ? WORDING.askUsage : WORDING.groupAskHint(ctx.me.username);
      await ctx.reply(hint, { reply_parameters: { message_id: ctx.msg!.message_id, allow_sending_without_reply: true } });
      return;
    }
    await answerQuestion(ctx, deps, question);
  });
  return composer;
}
