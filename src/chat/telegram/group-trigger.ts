/**
 * Decides whether a group message is addressed to the bot, and what the question is.
 * In groups the bot answers only when spoken to: an @mention (stripped from the
 * question) or a reply to one of its own messages. /ask is handled as a command.
 */
import type { Message, UserFromGetMe } from "grammy/types";

/** The question in a group message meant for the bot, or undefined when it is not meant for it. */
export function questionForBot(msg: Message, me: UserFromGetMe): string | undefined {
  const text = msg.text;
  if (text === undefined) return undefined;
  if (text.startsWith("/")) return undefined; // a command, possibly for another bot

  const handle = `@${me.username}`.toLowerCase();
  const spans: { start: number; end: number }[] = [];
  for (const e of msg.entities ?? []) {
    const start = e.offset;
    const end = e.offset + e.length;
    if (e.type === "mention" && text.slice(start, end).toLowerCase() === handle) spans.push({ start, end });
    if (e.type === "text_mention" && e.user.id === me.id) spans.push({ start, end });
  }
  const isReplyToBot = msg.reply_to_message?.from?.id === me.id;
  if (spans.length === 0 && !isReplyToBot) return undefined;

  // Entity offsets are UTF-16 code units, as are JavaScript string indices.
  let question = text;
  for (const { start, end } of spans.sort((a, b) => b.start - a.start)) {
    question = question.slice(0, start) + " " + question.slice(end);
  }
  return question.replace(/\s+/g, " ").replace(/^[\s,，:：]+/, "").trim();
}
