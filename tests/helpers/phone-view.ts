/**
 * A bot message as a chat client shows it, in plain text: bold as **…**, a quote with a
 * bar (an expandable one with a thin bar), inline buttons as [ … ] in their rows. Used by
 * the phone transcript and the hand-driven emulator chat.
 */
import { htmlToPlainText } from "../../src/chat/format/escape-html.ts";
import type { BotMessage } from "./telegram-emulator.ts";

export function phoneView(m: BotMessage): string {
  const visible = m.text
    .replace(/<blockquote expandable>([\s\S]*?)<\/blockquote>/g, (_, q: string) => q.split("\n").map((l) => `┃ ${l}`).join("\n"))
    .replace(/<blockquote>([\s\S]*?)<\/blockquote>/g, (_, q: string) => q.split("\n").map((l) => `▌ ${l}`).join("\n"))
    .replace(/<\/?b>/g, "**");
  const rows = m.buttonRows.map((row) => row.map((b) => `[ ${b.text} ]`).join(" "));
  return [htmlToPlainText(visible), ...(rows.length ? ["", ...rows] : [])].join("\n");
}

/** The characters a reader sees in a message (markup aside). */
export const visibleLength = (m: BotMessage) => htmlToPlainText(m.text).length;
