/**
 * Secrets in a full run: the real entry point (`policybot start`) as a child process
 * with a bot token and a language-model key, against the Bot API emulator and a
 * loopback OpenAI-compatible server that misbehaves (echoes the key in its errors,
 * hangs, fails). Flood and server errors from Telegram, an unreachable model host,
 * admin commands from a stranger, a reindex, a shutdown: afterwards the token and the
 * key appear nowhere in the output, the data folder or the index folder.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { WORDING } from "../src/wording/wording.ts";
import { badGateway, tooManyRequests } from "./helpers/bot-api-gateway.ts";
import { startOpenAiServer, type OpenAiTestServer } from "./helpers/openai-server.ts";
import { freePort, startEmulator, testToken, type EmulatorHarness } from "./helpers/telegram-emulator.ts";

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
    if (n === 1) return { status: 401, body: { error: { message: `Incorrect API key provided: ${API_KEY}`, type: "invalid_request_error" } } };
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
    for (const text of sent) for (const secret of secretForms()) if (text.includes(secret)) leaks.push(`a chat message holds ${secret.slice(0, 6)}…`);
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
