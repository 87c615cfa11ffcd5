/**
 * A bot for unit tests through `bot.handleUpdate`: the real createBot stack with an
 * outermost API transformer that records every call and answers it without any
 * network, plus builders for the updates the tests send.
 */
import type { Update, UserFromGetMe } from "grammy/types";
import type { QaService } from "../../src/service/contract.ts";
import { loadSettings } from "../../src/config/settings.ts";
import { createBot, type PolicyBot } from "../../src/chat/telegram/create-bot.ts";
import type { CreateBotOptions } from "../../src/chat/telegram/deps.ts";
import { capturingLogger } from "./telegram-emulator.ts";

export const ME: UserFromGetMe = {
  id: 666, is_bot: true, first_name: "Policy", username: "TestNameBot", can_join_groups: true,
  can_read_all_group_messages: false, supports_inline_queries: true, can_connect_to_business: false,
  has_main_web_app: false, has_topics_enabled: false, allows_users_to_create_topics: false,
} as UserFromGetMe;

export interface RecordedApiCall {
  method: string;
  payload: Record<string, unknown>;
}

export interface RecordingBot {
  readonly bot: PolicyBot;
  readonly calls: RecordedApiCall[];
  /** Texts of the messages sent so far. */
  sent(): string[];
  /** The bot's (redacted) log lines. */
  readonly lines: string[];
}

/** The bot with `service` on a data folder, settings from `env` plus the token. */
export function recordingBot(
  token: string,
  dataDir: string,
  service: QaService,
  env: Record<string, string> = {},
  options: CreateBotOptions = {},
): RecordingBot {
  const settings = loadSettings({ TELEGRAM_BOT_TOKEN: token, POLICYBOT_DATA_DIR: dataDir, ...env });
  const { logger, lines } = capturingLogger();
  const bot = createBot(service, settings, logger, { botInfo: ME, ...options });
  const calls: RecordedApiCall[] = [];
  let nextId = 1000;
  bot.api.config.use(async (_prev, method, payload) => {
    calls.push({ method, payload: payload as Record<string, unknown> });
    const p = payload as { chat_id?: number; text?: string };
    const result =
      method === "sendMessage"
        ? { message_id: nextId++, date: 0, chat: { id: p.chat_id, type: "private" }, text: p.text }
        : true;
    return { ok: true, result } as never;
  });
  const sent = () => calls.filter((c) => c.method === "sendMessage").map((c) => String(c.payload.text));
  return { bot, calls, sent, lines };
}

let nextUpdateId = 1;
export const newUpdateId = () => nextUpdateId++;
export const user = (id: number) => ({ id, is_bot: false, first_name: `U${id}` });
export const privateChat = (id: number) => ({ id, type: "private" as const, first_name: `U${id}` });

export function message(chat: { id: number; type: string }, from: number, fields: Record<string, unknown>): Update {
  const id = newUpdateId();
  return { update_id: id, message: { message_id: id + 1, date: 0, chat, from: user(from), ...fields } } as unknown as Update;
}

export const text = (from: number, t: string, chat: { id: number; type: string } = privateChat(from)) => message(chat, from, { text: t });

/** A button press: on a message in `chat`, or on an inline message when `chat` is undefined. */
export function press(from: number, data: string, chat: { id: number; type: string } | undefined, messageId = 1): Update {
  const where = chat ? { message: { message_id: messageId, date: 0, chat } } : { inline_message_id: "AAAAinline" };
  const query = { id: `cb${nextUpdateId}`, from: user(from), chat_instance: "x", data, ...where };
  return { update_id: newUpdateId(), callback_query: query } as unknown as Update;
}
