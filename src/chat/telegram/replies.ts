/**
 * Sending long HTML safely: split into messages of at most 4096 characters with
 * balanced tags, keep "typing…" visible while an answer is being worked out.
 */
import type { Context } from "grammy";
import type { InlineKeyboardMarkup } from "grammy/types";
import { splitHtml } from "../format/split-html.ts";
import type { Logger } from "../../logging/logger.ts";

export interface SendHtmlOptions {
  /** The first part replies to this message (it still goes out if that one is gone). */
  readonly replyTo?: number;
  /** Buttons under the last part. */
  readonly keyboard?: InlineKeyboardMarkup;
}

/** Sends `html` to the chat of `ctx` as one or more messages; returns how many were sent. */
export async function sendHtml(ctx: Context, html: string, options: SendHtmlOptions = {}): Promise<number> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return 0;
  const parts = splitHtml(html);
  for (const [k, part] of parts.entries()) {
    await ctx.api.sendMessage(chatId, part, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(k === 0 && options.replyTo !== undefined
        ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
        : {}),
      ...(k === parts.length - 1 && options.keyboard ? { reply_markup: options.keyboard } : {}),
    });
  }
  return parts.length;
}

/** Runs `work` while showing "typing…" in the chat; a failed chat action never fails the work. */
export async function withTyping<T>(ctx: Context, intervalMs: number, logger: Logger, work: () => Promise<T>): Promise<T> {
  const chatId = ctx.chat?.id;
  if (chatId === undefined) return work();
  const ping = () =>
    ctx.api.sendChatAction(chatId, "typing").catch((e: unknown) => logger.debug("chat action failed", { error: e }));
  void ping();
  const timer = setInterval(ping, intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
