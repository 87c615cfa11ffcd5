/**
 * Secrets in a full run: the real entry point (`policybot start`) as a child process
 * with a bot token and a language-model key, against the Bot API emulator and a
 * loopback OpenAI-compatible server that misbehaves (echoes the key in its errors,
 * hangs, fails). Flood and server errors from Telegram, an unreachable model host,
 * admin commands from a stranger, a reindex, a shutdown: afterwards the token and the
 * key appear nowhere in the output, the data folder or the index folder. And each path
 * issue 12 §6 found open: a failed setWebhook, credentials inside LLM_BASE_URL, a token
 * or key a user pastes into a question (every file the bot writes goes through the one
 * redaction, src/logging/redact.ts).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { WORDING } from "../src/wording/wording.ts";
import { badGateway, tooManyRequests } from "./helpers/bot-api-gateway.ts";
import { loadSettings } from "../src/config/settings.ts";
import { Redactor } from "../src/logging/redact.ts";
import { createQaService } from "../src/service/create-qa-service.ts";
import { createFakeQaService } from "./helpers/fake-qa.ts";
import { startOpenAiServer, type OpenAiTestServer } from "./helpers/openai-server.ts";
import { privateChat, press, recordingBot, text } from "./helpers/recording-bot.ts";
import { runStart } from "./helpers/run-start.ts";
import { capturingLogger, freePort, startEmulator, testToken, type EmulatorHarness } from "./helpers/telegram-emulator.ts";

const TOKEN = testToken(61);
const API_KEY = "sk-policybot-test-9f8e7d6c5b4a39281706";
const ADMIN = 7001;
const TEACHER = 7002;
const STRANGER = 7003;

let harness: EmulatorHarness;
let llm: OpenAiTestServer;
let tmp: string;

/** Every form in which a secret could leak: whole, the token's secret half, URL-encoded. */
function secretForms(): string[] {
  const half = TOKEN.split(":")[1]!;
  return [TOKEN, half, encodeURIComponent(TOKEN), API_KEY, API_KEY.slice(3), Buffer.from(API_KEY).toString("base64")];
}

/** All files below `dir`, with their contents. */
function filesUnder(dir: string): { file: string; text: string }[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const file = path.join(e.parentPath, e.name);
      return { file, text: fs.readFileSync(file).toString("latin1") + fs.readFileSync(file).toString("utf8") };
    });
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-secrets-"));
  harness = await startEmulator();
  let n = 0;
  llm = await startOpenAiServer(() => {
    n++;
    // As some providers do: the rejected key quoted back in the error.
    if (n === 1)
      return { status: 401, body: { error: { message: `Incorrect API key provided: ${API_KEY}`, type: "invalid_request_error" } } };
    if (n === 2) return { hang: true };
    return { status: 500, body: { error: { message: `internal error for key ${API_KEY}` } } };
  });
});

afterAll(async () => {
  await llm?.close();
  await harness?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe("a full run of the bot", () => {
  it("never shows the token or the API key in logs, messages or files", async () => {
    const dataDir = path.join(tmp, "data");
    const indexDir = path.join(tmp, "index");
    const deadPort = await freePort();
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin/policybot.mjs"), "start"], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: harness.gateway.apiRoot,
        ADMIN_USER_IDS: String(ADMIN),
        ALLOWED_CHAT_IDS: [ADMIN, TEACHER].join(","),
        POLICYBOT_DATA_DIR: dataDir,
        POLICYBOT_INDEX_DIR: indexDir,
        // A model that is not on disk, from a host that is down: the offline model takes over.
        EMBEDDING_MODEL: "Xenova/bge-small-zh-v1.5",
        MODEL_CACHE_DIR: path.join(tmp, "model-cache"),
        MODEL_REMOTE_HOST: `http://127.0.0.1:${deadPort}/`,
        LLM_BASE_URL: llm.baseUrl,
        LLM_API_KEY: API_KEY,
        LLM_MODEL: "test-model",
        LLM_TIMEOUT_MS: "400",
        LOG_LEVEL: "debug",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const until = Date.now() + 60_000;
    while (!err.includes("bot started") && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
    expect(err).toContain("bot started");

    const teacher = harness.chat(TOKEN, { userId: TEACHER });
    const admin = harness.chat(TOKEN, { userId: ADMIN });
    const stranger = harness.chat(TOKEN, { userId: STRANGER });

    harness.gateway.failNext("sendMessage", tooManyRequests(1));
    harness.gateway.failNext("sendMessage", badGateway());
    // 401 with the key echoed, then a hang past the timeout, then a 500: extractive answers each time.
    for (const q of ["公办职校绩效工资最高能到基准线的几倍", "中职和普高的学籍能互转吗？", "绩效工资改革谁牵头？"]) {
      await teacher.say(q);
      const [reply] = await teacher.replies(1, 15_000);
      expect(reply!.text).toContain("来源");
    }
    await teacher.command("/reindex");
    expect((await teacher.replies(1))[0]!.text).toBe(WORDING.adminOnly);
    await stranger.say("绩效工资");
    expect((await stranger.replies(1))[0]!.text).toBe(WORDING.notAllowed);
    await admin.command("/reindex");
    const [started, done] = await admin.replies(2, 30_000);
    expect(started!.text).toBe(WORDING.reindexStarted);
    expect(done!.text).toMatch(/^索引已重建/);

    child.kill("SIGTERM");
    expect(await exited).toBe(0);

    // The run did go through the paths that carry secrets near errors.
    expect(llm.requests.length).toBeGreaterThanOrEqual(3);
    expect(llm.requests.every((r) => r.headers.authorization === `Bearer ${API_KEY}`)).toBe(true);
    expect(err).toMatch(/language model failed|falling back|extractive/i);
    expect(err).toMatch(/429|Too Many Requests/);
    expect(err).toMatch(/Xenova\/bge-small-zh-v1\.5/);

    const leaks: string[] = [];
    const places = [{ file: "stdout", text: out }, { file: "stderr", text: err }, ...filesUnder(dataDir), ...filesUnder(indexDir)];
    for (const { file, text } of places) {
      for (const secret of secretForms()) if (text.includes(secret)) leaks.push(`${file} holds ${secret.slice(0, 6)}…`);
    }
    const sent = harness.server.storage.botMessages.filter((m) => m.botToken === TOKEN).map((m) => JSON.stringify(m.message));
    for (const text of sent)
      for (const secret of secretForms()) if (text.includes(secret)) leaks.push(`a chat message holds ${secret.slice(0, 6)}…`);
    expect(leaks).toEqual([]);
  }, 120_000);

  it("a malformed token is refused with a message that names the setting, not the value", async () => {
    const bad = "12345:not-a-real-token-value";
    const child = spawn(process.execPath, [path.join(PROJECT_ROOT, "bin/policybot.mjs"), "start"], {
      cwd: PROJECT_ROOT,
      env: { PATH: process.env.PATH ?? "", TELEGRAM_BOT_TOKEN: bad + "!", LLM_API_KEY: API_KEY, LLM_BASE_URL: "not a url" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let all = "";
    child.stdout.on("data", (d: Buffer) => (all += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (all += d.toString("utf8")));
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).not.toBe(0);
    expect(all).toContain("TELEGRAM_BOT_TOKEN");
    expect(all).toContain("LLM_BASE_URL");
    expect(all).not.toContain("not-a-real-token-value");
    expect(all).not.toContain(API_KEY);
  }, 30_000);
});

describe("paths that used to leak (issue 12 §6)", () => {
  it("a failed setWebhook exits 1 with a message naming WEBHOOK_URL, and never prints secret_token", async () => {
    const secret = "webhook-secret-Zx9Yw8Vu7Ts6";
    const description = "Bad Request: bad webhook: Failed to resolve host";
    harness.gateway.failNext("setWebhook", { status: 400, body: { ok: false, error_code: 400, description } });
    const { code, output } = await runStart({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: harness.gateway.apiRoot,
      POLICYBOT_DATA_DIR: path.join(tmp, "webhook-data"),
      WEBHOOK_URL: "https://bot.example.invalid/telegram",
      WEBHOOK_SECRET: secret,
      WEBHOOK_PORT: String(await freePort()),
    });
    expect(harness.gateway.callsOf("setWebhook").at(-1)!.payload.secret_token).toBe(secret);
    expect(code).toBe(1);
    expect(output).toContain("Telegram did not accept the webhook https://bot.example.invalid/telegram (400: Bad Request: bad webhook");
    expect(output).toContain("WEBHOOK_URL");
    expect(output).not.toContain(secret);
    expect(output).not.toMatch(/\n\s+at /);
  }, 60_000);

  it("credentials inside LLM_BASE_URL are not logged", async () => {
    const { logger, lines } = capturingLogger();
    const base = new URL(llm.baseUrl);
    base.username = "policy-user";
    base.password = "Pw-in-the-URL-31337";
    const settings = loadSettings({ LLM_BASE_URL: base.href, LLM_MODEL: "test-model", POLICYBOT_INDEX_DIR: path.join(tmp, "llm-index") });
    const service = await createQaService(settings, logger);
    await service.ask("公办职校绩效工资最高能到基准线的几倍");
    expect(lines.some((l) => l.includes(`${base.host}`))).toBe(true);
    expect(lines.join("\n")).not.toContain("Pw-in-the-URL-31337");
    expect(lines.join("\n")).not.toContain("policy-user");
  }, 60_000);

  it("a token or key a user pastes into a question is stored nowhere in the data folder", async () => {
    const dataDir = path.join(tmp, "pasted");
    const otherToken = testToken(62);
    const key = "sk-live-PastedByAUser0000111122223333";
    const urlPassword = "hunter2-in-a-url";
    const b = recordingBot(TOKEN, dataDir, createFakeQaService(path.join(PROJECT_ROOT, "seeds")));
    await b.bot.handleUpdate(text(TEACHER, `公办职校绩效工资最高几倍？我的机器人令牌 ${TOKEN}，另一个 ${otherToken}`));
    await b.bot.handleUpdate(text(TEACHER, `技校学费多少 ${key} 见 https://admin:${urlPassword}@example.org/x`));
    const answer = b.calls.filter((c) => c.method === "sendMessage").at(-1)!;
    const keyboard = (answer.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard;
    const up = keyboard.flat().find((k) => k.text === "👍")!;
    await b.bot.handleUpdate(press(TEACHER, up.callback_data, privateChat(TEACHER)));
    await b.bot.policy.ledger.flushed();
    await b.bot.policy.journal.close();
    const files = filesUnder(dataDir);
    expect(files.map((f) => path.relative(dataDir, f.file)).sort()).toEqual(
      expect.arrayContaining(["feedback.jsonl", "questions.jsonl", "updates.jsonl", expect.stringMatching(/^sessions\//)]),
    );
    const leaks = files.flatMap(({ file, text }) =>
      [TOKEN, TOKEN.split(":")[1]!, otherToken, otherToken.split(":")[1]!, key, urlPassword]
        .filter((s) => text.includes(s))
        .map((s) => `${path.basename(file)}: ${s.slice(0, 8)}…`),
    );
    expect(leaks).toEqual([]);
    expect(fs.readFileSync(path.join(dataDir, "questions.jsonl"), "utf8")).toContain("我的机器人令牌 [redacted]，另一个 [redacted]");
  });
});

describe("the redaction", () => {
  it("removes configured secrets in every form, and credentials by their shape", () => {
    const r = new Redactor([TOKEN, API_KEY]);
    const half = TOKEN.split(":")[1]!;
    expect(r.text(`a ${TOKEN} b ${half} c ${encodeURIComponent(TOKEN)} d ${API_KEY}`)).toBe(
      "a [redacted] b [redacted] c [redacted] d [redacted]",
    );
    expect(r.text("key sk-abcdefghijklmnop1234 and 123456789:AAEabcdefghijklmnopqrstuvwxyz01234")).toBe("key [redacted] and [redacted]");
    expect(r.text("GET http://user:pw@host:8080/v1 and https://only-user@host/x")).toBe(
      "GET http://[redacted]@host:8080/v1 and https://[redacted]@host/x",
    );
    expect(r.text("mail me at a@b.org, see https://example.org/a@b")).toBe("mail me at a@b.org, see https://example.org/a@b");
    const value = { q: [`x ${API_KEY}`], n: 1, nested: { [API_KEY]: null } };
    expect(r.value(value)).toEqual({ q: ["x [redacted]"], n: 1, nested: { "[redacted]": null } });
  });
});
