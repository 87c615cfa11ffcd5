/**
 * Test harness around the telegram-test-api Bot API emulator: starts it on 127.0.0.1
 * with a free port behind the recording gateway, plays users in private chats and
 * groups over the emulator's client HTTP API, and reads the bot's replies back.
 */
import net from "node:net";
import emulatorModule from "telegram-test-api";
import type { StoredBotUpdate, TelegramServer } from "telegram-test-api/lib/telegramServer.js";
import type { QaService } from "../../src/service/contract.ts";
import { loadSettings, type Settings } from "../../src/config/settings.ts";
import { createLogger, type Logger } from "../../src/logging/logger.ts";
import { createBot, type PolicyBot } from "../../src/chat/telegram/create-bot.ts";
import { startBot, type RunningBot, type StartBotOptions } from "../../src/chat/telegram/start-bot.ts";
import type { CreateBotOptions } from "../../src/chat/telegram/deps.ts";
import { startBotApiGateway, type BotApiGateway } from "./bot-api-gateway.ts";

/** The bot identity the emulator's getMe reports. */
export const EMULATED_BOT = { id: 666, username: "TestNameBot" } as const;

/** A token that passes settings validation and the logger's token pattern. */
export function testToken(n: number): string {
  return `${1_000_000 + n}:AAH${"x".repeat(28)}${String(n).padStart(6, "0")}`;
}

/** A message the bot sent, as the emulator stored it. */
export interface BotMessage {
  readonly messageId: number;
  readonly time: number;
  readonly text: string;
  readonly chatId: number;
  readonly parseMode?: string;
  readonly replyTo?: number;
  readonly buttons: readonly { text: string; data?: string }[];
  /** The same buttons in their keyboard rows. */
  readonly buttonRows: readonly (readonly { text: string; data?: string }[])[];
  /** The forum topic the message went to, when one was named. */
  readonly threadId?: number;
}

function toBotMessage(u: StoredBotUpdate): BotMessage {
  const m = u.message as unknown as Record<string, unknown>;
  const markup = m.reply_markup as { inline_keyboard?: { text: string; callback_data?: string }[][] } | undefined;
  const reply = m.reply_parameters as { message_id?: number } | undefined;
  return {
    messageId: u.messageId,
    time: u.time,
    text: String(m.text ?? ""),
    chatId: Number(m.chat_id),
    parseMode: m.parse_mode as string | undefined,
    replyTo: reply?.message_id !== undefined ? Number(reply.message_id) : undefined,
    buttons: (markup?.inline_keyboard ?? []).flat().map((b) => ({ text: b.text, data: b.callback_data })),
    buttonRows: (markup?.inline_keyboard ?? []).map((row) => row.map((b) => ({ text: b.text, data: b.callback_data }))),
    threadId: m.message_thread_id !== undefined ? Number(m.message_thread_id) : undefined,
  };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

export interface ChatIdentity {
  readonly userId: number;
  /** Defaults to userId (a private chat). */
  readonly chatId?: number;
  readonly type?: "private" | "group" | "supergroup";
  readonly firstName?: string;
}

/** One person in one chat, talking to the bot through the emulator. */
export class EmulatorChat {
  private inbox: BotMessage[] = [];
  readonly chatId: number;
  constructor(
    private readonly harness: EmulatorHarness,
    readonly token: string,
    readonly who: ChatIdentity,
  ) {
    this.chatId = who.chatId ?? who.userId;
  }

  private get client() {
    return this.harness.server.getClient(this.token, {
      userId: this.who.userId,
      chatId: this.chatId,
      type: this.who.type ?? "private",
      firstName: this.who.firstName ?? `User${this.who.userId}`,
      userName: `user${this.who.userId}`,
      chatTitle: this.who.type && this.who.type !== "private" ? "测试群" : undefined,
    });
  }

  /** Sends a text message; `extra` is merged into the message (entities, reply_to_message…). */
  async say(text: string, extra: Record<string, unknown> = {}): Promise<void> {
    const c = this.client;
    await c.sendMessage(c.makeMessage(text, extra));
  }

  /** Sends a command (with its bot_command entity). */
  async command(text: string): Promise<void> {
    const c = this.client;
    await c.sendCommand(c.makeCommand(text));
  }

  /**
   * Presses an inline button with `data` under the bot message `messageId`. As Telegram
   * does, the callback carries that message with its text and keyboard.
   */
  async press(data: string, messageId: number): Promise<void> {
    const c = this.client;
    const sent = this.harness.server.storage.botMessages.find((m) => m.botToken === this.token && m.messageId === messageId);
    const shown = sent ? (sent.message as unknown as Record<string, unknown>) : {};
    const message = { message_id: messageId, text: shown.text, reply_markup: shown.reply_markup };
    await c.sendCallback(c.makeCallbackQuery(data, { message }));
  }

  /** Replies to one of the bot's messages. */
  async replyToBot(text: string, botMessage: BotMessage): Promise<void> {
    await this.say(text, {
      reply_to_message: {
        message_id: botMessage.messageId,
        date: Math.floor(botMessage.time / 1000),
        chat: { id: this.chatId, type: this.who.type ?? "private" },
        from: { id: EMULATED_BOT.id, is_bot: true, first_name: "Bot", username: EMULATED_BOT.username },
        text: botMessage.text,
      },
    });
  }

  private async pull(): Promise<void> {
    const res = await fetch(`${this.harness.emulatorUrl}/getUpdates`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ token: this.token, chatId: this.chatId }),
    });
    const body = (await res.json()) as { result: StoredBotUpdate[] };
    this.inbox.push(...body.result.map(toBotMessage));
  }

  /** Waits until `count` bot messages have arrived in this chat and returns them (removing them from the inbox). */
  async replies(count: number, timeoutMs = 5_000): Promise<BotMessage[]> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      await this.pull();
      if (this.inbox.length >= count) return this.inbox.splice(0, count);
      if (Date.now() > until) {
        throw new Error(
          `expected ${count} replies in chat ${this.chatId}, got ${this.inbox.length}: ` +
            JSON.stringify(this.inbox.map((m) => m.text.slice(0, 80))),
        );
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Everything that arrives within `ms` (for asserting that nothing, or nothing more, came). */
  async collect(ms: number): Promise<BotMessage[]> {
    await new Promise((r) => setTimeout(r, ms));
    await this.pull();
    return this.inbox.splice(0);
  }
}

export interface EmulatorHarness {
  readonly server: TelegramServer;
  /** The emulator's own URL (client routes). */
  readonly emulatorUrl: string;
  /** The recording gateway in front of it; bots use gateway.apiRoot. */
  readonly gateway: BotApiGateway;
  chat(token: string, who: ChatIdentity): EmulatorChat;
  /** Message id the emulator gave the latest user message with this text in this chat. */
  userMessageId(token: string, chatId: number, text: string): number | undefined;
  close(): Promise<void>;
}

/** Starts the emulator (127.0.0.1, free port) and the gateway in front of it. */
export async function startEmulator(): Promise<EmulatorHarness> {
  const port = await freePort();
  // The package assigns the class to module.exports; its typings describe an ES default export.
  const TelegramServerClass = emulatorModule as unknown as typeof TelegramServer;
  const server = new TelegramServerClass({ port, host: "127.0.0.1", storeTimeout: 3600 });
  await server.start();
  const emulatorUrl = server.config.apiURL;
  const gateway = await startBotApiGateway(emulatorUrl);
  // Deliver user updates to a waiting long poll at once, as Telegram does.
  const wake = () => setImmediate(() => gateway.wake());
  server.on("AddedUserMessage", wake);
  server.on("AddedUserCommand", wake);
  server.on("AddedUserCallbackQuery", wake);
  const harness: EmulatorHarness = {
    server,
    emulatorUrl,
    gateway,
    chat: (token, who) => new EmulatorChat(harness, token, who),
    userMessageId(token, chatId, text) {
      const found = server.storage.userMessages
        .filter((u) => u.botToken === token && "message" in u && u.message.chat.id === chatId && u.message.text === text)
        .at(-1);
      return found?.messageId;
    },
    async close() {
      await gateway.close();
      await server.stop();
    },
  };
  return harness;
}

/** Settings for a bot on the emulator: the env given plus token, API root and a data folder. */
export function emulatorSettings(harness: EmulatorHarness, token: string, dataDir: string, env: Record<string, string> = {}): Settings {
  return loadSettings({
    TELEGRAM_BOT_TOKEN: token,
    TELEGRAM_API_ROOT: harness.gateway.apiRoot,
    POLICYBOT_DATA_DIR: dataDir,
    RATE_LIMIT_PER_MINUTE: "1000",
    ...env,
  });
}

/** A logger that keeps its (already redacted) lines for assertions. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ sink: (l) => lines.push(l), minLevel: "debug" }), lines };
}

export interface BotOnEmulator {
  readonly bot: PolicyBot;
  readonly running: RunningBot;
  readonly settings: Settings;
  readonly logLines: string[];
}

/** Creates and starts (long polling) a bot with `service` on the emulator. */
export async function startBotOnEmulator(
  harness: EmulatorHarness,
  service: QaService,
  settings: Settings,
  options: { bot?: CreateBotOptions; start?: StartBotOptions } = {},
): Promise<BotOnEmulator> {
  const { logger, lines } = capturingLogger();
  const bot = createBot(service, settings, logger, options.bot);
  const running = await startBot(bot, { handleSignals: false, pollTimeoutSeconds: 1, drainTimeoutMs: 10_000, ...options.start });
  return { bot, running, settings, logLines: lines };
}
