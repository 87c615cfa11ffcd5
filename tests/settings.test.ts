import { describe, expect, it } from "vitest";
import { ConfigError, DEFAULTS, loadSettings } from "../src/config/settings.ts";
import { createLogger } from "../src/logging/logger.ts";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw0";

describe("settings from the environment", () => {
  it("applies defaults with no environment at all", () => {
    const s = loadSettings({}, "/srv/policybot");
    expect(s.seedsDir).toBe("/srv/policybot/seeds");
    expect(s.telegram.token).toBeUndefined();
    expect(s.telegram.apiRoot).toBe(DEFAULTS.telegramApiRoot);
    expect(s.embedding.model).toBe(DEFAULTS.offlineModel);
    expect(s.llm).toBeUndefined();
  });

  it("reads ids, URLs and numbers", () => {
    const s = loadSettings({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: "http://127.0.0.1:9000/", ADMIN_USER_IDS: "1, 2", ALLOWED_CHAT_IDS: "-100123", RATE_LIMIT_PER_MINUTE: "5" });
    expect(s.telegram).toMatchObject({ token: TOKEN, apiRoot: "http://127.0.0.1:9000", adminUserIds: [1, 2], allowedChatIds: [-100123], rateLimitPerMinute: 5 });
  });

  it("names the variable and what to do when a value is malformed", () => {
    const attempt = (env: Record<string, string>) => {
      try {
        loadSettings(env);
        return "no error";
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        return (err as Error).message;
      }
    };
    const tokenRule =
      "TELEGRAM_BOT_TOKEN does not look like a bot token from @BotFather: digits, a colon, then 20 or more letters, digits, _ or -. " +
      "Fix it in the environment or unset it.";
    expect(attempt({ TELEGRAM_BOT_TOKEN: "abc" })).toBe(tokenRule);
    // Looks like a token, but the part after the colon is 11 characters: the message states the rule it breaks.
    expect(attempt({ TELEGRAM_BOT_TOKEN: "123456:AAfakeToken" })).toBe(tokenRule);
    expect(loadSettings({ TELEGRAM_BOT_TOKEN: "123456:AAfakeToken_for-tests1" }).telegram.token).toBe("123456:AAfakeToken_for-tests1");
    const levels = "LOG_LEVEL must be one of debug, info, warn, error. Fix it in the environment or unset it.";
    expect(attempt({ LOG_LEVEL: "loud" })).toBe(levels);
    expect(loadSettings({ LOG_LEVEL: "debug" }).logLevel).toBe("debug");
    expect(loadSettings({}).logLevel).toBeUndefined();
    expect(attempt({ ADMIN_USER_IDS: "alice" })).toBe(
      "ADMIN_USER_IDS must be numeric Telegram ids separated by commas. Fix it in the environment or unset it.",
    );
    expect(attempt({ WEBHOOK_PORT: "99999" })).toBe("WEBHOOK_PORT must be at most 65535. Fix it in the environment or unset it.");
    expect(attempt({ LLM_BASE_URL: "http://127.0.0.1:1/v1" })).toMatch(/^LLM_MODEL is not set/);
    expect(attempt({ WEBHOOK_URL: "https://bot.example.org/hook" })).toMatch(/^WEBHOOK_SECRET is not set/);
    // Every malformed variable at once, one per line.
    expect(attempt({ ADMIN_USER_IDS: "alice", WEBHOOK_PORT: "99999" }).split("\n")).toEqual([
      "ADMIN_USER_IDS must be numeric Telegram ids separated by commas. Fix it in the environment or unset it.",
      "WEBHOOK_PORT must be at most 65535. Fix it in the environment or unset it.",
    ]);
  });

  it("never logs the bot token or an API key", () => {
    const lines: string[] = [];
    const log = createLogger({ sink: (l) => lines.push(l), secrets: ["sk-secret-key-123"] });
    log.error("request failed", { url: `https://api.telegram.org/bot${TOKEN}/getMe`, err: new Error("key sk-secret-key-123 rejected") });
    expect(lines.join("\n")).not.toContain(TOKEN);
    expect(lines.join("\n")).not.toContain("sk-secret-key-123");
    expect(lines.join("\n")).toContain("[redacted]");
  });
});
