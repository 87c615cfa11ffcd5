/**
 * Sending replies: a command's page as HTML, split into messages of at most 4096
 * characters with balanced tags, its buttons encoded under the last part, a "更多"
 * button when more pages follow; "typing…" kept visible while an answer is worked out.
 * Everything goes through ctx.reply and ctx.replyWithChatAction, so a reply lands in
 * the forum topic (message_thread_id) the update came from.
 */
import type { Context } from "grammy";
import type { InlineKeyboardButton } from "grammy/types";
import { directoryOf, fileHash } from "../../corpus/lookup.ts";
import type { Button, Page, Reply } from "../../commands/reply.ts";
import { WORDING } from "../../wording/wording.ts";
import { pageHtml } from "../format/reply-html.ts";
import { splitHtml } from "../format/split-html.ts";
import type { Logger } from "../../logging/logger.ts";
import { encodeCallback } from "./callback-data.ts";
import type { BotDeps } from "./deps.ts";

export interface SendOptions {
  /** The first part replies to this message (it still goes out if that one is gone). */
  readonly replyTo?: number;
  /** Button rows under the last part, after the page's own. */
  readonly extraRows?: readonly (readonly InlineKeyboardButton[])[];
}

/** Sends `html` to the chat (and topic) of `ctx` as one or more messages; returns how many were sent. */
export async function sendHtml(ctx: Context, html: string, options: SendOptions = {}): Promise<number> {
  const parts = splitHtml(html);
  const rows = options.extraRows ?? [];
  for (const [k, part] of parts.entries()) {
    await ctx.reply(part, {
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
      ...(k === 0 && options.replyTo !== undefined
        ? { reply_parameters: { message_id: options.replyTo, allow_sending_without_reply: true } }
        : {}),
      ...(k === parts.length - 1 && rows.length > 0 ? { reply_markup: { inline_keyboard: rows.map((r) => [...r]) } } : {}),
    });
  }
  return parts.length;
}

/** A 📄 button as Telegram sends it, or undefined when its data cannot fit in 64 bytes. */
function sourceButton(deps: BotDeps, button: Button): InlineKeyboardButton | undefined {
  const { file, label } = button.action;
  const id = directoryOf(deps.service.corpus()).shortId(file);
  const data =
    encodeCallback({ kind: "source", documentRef: id, label }) ?? encodeCallback({ kind: "source", documentRef: fileHash(file), label });
  return data ? { text: button.text, callback_data: data } : undefined;
}

/** The text of the button that brings the next page. */
function moreText(page: Page): string {
  const more = page.more!;
  return more.kind === "count" ? WORDING.moreButton(more.remaining, more.unit) : WORDING.morePartButton(more.next, more.total);
}

/**
 * Sends page `index` of `reply`, whose other pages are kept under `replyId` (undefined
 * for a one-page reply). Returns the number of messages sent.
 */
export async function sendPage(
  ctx: Context,
  deps: BotDeps,
  reply: Reply,
  index: number,
  replyId: string | undefined,
  options: SendOptions = {},
): Promise<number> {
  const page = reply.page(index);
  const rows: InlineKeyboardButton[][] = page.buttons
    .map((row) => row.map((b) => sourceButton(deps, b)).filter((b): b is InlineKeyboardButton => b !== undefined))
    .filter((row) => row.length > 0);
  if (page.more && replyId !== undefined) {
    rows.push([{ text: moreText(page), callback_data: encodeCallback({ kind: "more", replyId, page: index + 1 })! }]);
  }
  return sendHtml(ctx, pageHtml(page), { ...options, extraRows: [...rows, ...(options.extraRows ?? [])] });
}

/** Sends the first page of `reply`, keeping the rest for its "更多" button. */
export function sendReply(ctx: Context, deps: BotDeps, reply: Reply, options: SendOptions = {}): Promise<number> {
  const replyId = reply.pageCount > 1 ? deps.pages.put(reply) : undefined;
  return sendPage(ctx, deps, reply, 0, replyId, options);
}

/** Runs `work` while showing "typing…" in the chat (and topic); a failed chat action never fails the work. */
export async function withTyping<T>(ctx: Context, intervalMs: number, logger: Logger, work: () => Promise<T>): Promise<T> {
  if (ctx.chat === undefined) return work();
  const ping = () => ctx.replyWithChatAction("typing").catch((e: unknown) => logger.debug("chat action failed", { error: e }));
  void ping();
  const timer = setInterval(ping, intervalMs);
  try {
    return await work();
  } finally {
    clearInterval(timer);
  }
}
