/**
 * End to end: the real bot (createBot + startBot, long polling through grammY's runner)
 * against the telegram-test-api Bot API emulator on 127.0.0.1, with a recording gateway
 * in front of it that also injects 429/502 replies.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QaService } from "../src/answer/types.ts";
import { renderAnswerHtml } from "../src/chat/format/answer-html.ts";
import { htmlToPlainText } from "../src/chat/format/escape-html.ts";
import { PUBLIC_COMMANDS } from "../src/chat/telegram/bot-commands.ts";
import { JOURNAL_FILES } from "../src/chat/telegram/journal.ts";
import { badGateway, tooManyRequests } from "./helpers/bot-api-gateway.ts";
import { countingService, createChatTestService } from "./helpers/chat-test-service.ts";
import { createFakeQaService } from "./helpers/fake-qa.ts";
import {
  EMULATED_BOT,
  emulatorSettings,
  freePort,
  startBotOnEmulator,
  startEmulator,
  testToken,
  type BotMessage,
  type BotOnEmulator,
  type EmulatorHarness,
} from "./helpers/telegram-emulator.ts";
import { runChatLoad } from "./helpers/chat-load.ts";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { balanced } from "./helpers/html-balance.ts";

const ADMIN = 9001;
const ALICE = 1001;
const BOB = 1002;
const STRANGER = 4040;
const GROUP = -100777;
const TOKEN = testToken(1);

let harness: EmulatorHarness;
let service: ReturnType<typeof countingService>;
let main: BotOnEmulator;
let dataDir: string;


beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-tg-e2e-"));
  harness = await startEmulator();
  service = countingService(await createChatTestService());
  const settings = emulatorSettings(harness, TOKEN, dataDir, {
    ADMIN_USER_IDS: String(ADMIN),
    ALLOWED_CHAT_IDS: [ADMIN, ALICE, BOB, GROUP].join(","),
  });
  main = await startBotOnEmulator(harness, service, settings);
});

afterAll(async () => {
  await main?.running.stop();
  await harness?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe("telegram bot on the Bot API emulator", () => {
  it("registers the command menu in Chinese and never logs the token", async () => {
    const set = harness.gateway.callsOf("setMyCommands");
    expect(set.length).toBeGreaterThan(0);
    const commands = set[0]!.payload.commands as { command: string; description: string }[];
    expect(commands.map((c) => c.command)).toEqual(PUBLIC_COMMANDS.map((c) => c.command));
    expect(commands.every((c) => /[\u4e00-\u9fa5]/.test(c.description))).toBe(true);
    expect(main.logLines.some((l) => l.includes("bot started"))).toBe(true);
  });

  it("answers a private question with the lead, a quote, a citation and buttons", async () => {
    const alice = harness.chat(TOKEN, { userId: ALICE });
    const question = "公办职校绩效工资最高能到基准线的几倍";
    await alice.say(question);
    const [reply] = await alice.replies(1);
    expect(reply!.parseMode).toBe("HTML");
    expect(reply!.text.startsWith("<b>")).toBe(true);
    // Evidence is quoted unless the only quote is the lead itself.
    expect(reply!.text).toMatch(/<blockquote>[^<]*5倍|^<b>[^<]*5倍[^<]*<\/b>/);
    expect(reply!.text).toContain("5倍");
    expect(htmlToPlainText(reply!.text)).toContain("《山东省工作任务清单》第33项");
    expect(reply!.replyTo).toBe(harness.userMessageId(TOKEN, ALICE, question));
    expect(reply!.buttons.map((b) => b.data)).toEqual(expect.arrayContaining(["src:004:33"]));
    expect(reply!.buttons.map((b) => b.text)).toEqual(expect.arrayContaining(["👍", "👎"]));
    // "typing…" was shown to Alice while the answer was worked out.
    expect(harness.gateway.callsOf("sendChatAction").some((c) => Number(c.payload.chat_id) === ALICE && c.payload.action === "typing")).toBe(true);
  });

  it("refuses plainly when the documents do not answer, listing 可能相关 items", async () => {
    const alice = harness.chat(TOKEN, { userId: ALICE });
    await alice.say("技校一年学费收多少？");
    const [reply] = await alice.replies(1);
    expect(reply!.text).toContain("文件中没有找到相关规定");
    expect(reply!.text).toContain("可能相关");
  });

  it("ignores group messages that are not for it and answers a mention, a reply and /ask", async () => {
    const member = harness.chat(TOKEN, { userId: BOB, chatId: GROUP, type: "supergroup" });
    const before = service.asked.length;
    await member.say("大家好，今天开会吗？");
    await member.say("职业院校绩效工资怎么定的");
    const handle = `@${EMULATED_BOT.username}`;
    const mentioned = `${handle} 公办职校绩效工资最高能到基准线的几倍`;
    await member.say(mentioned, { entities: [{ type: "mention", offset: 0, length: handle.length }] });
    const [answer] = await member.replies(1);
    expect(answer!.text).toContain("5倍");
    expect(answer!.replyTo).toBe(harness.userMessageId(TOKEN, GROUP, mentioned));
    // The mention itself was stripped from the question the service saw.
    expect(service.asked.slice(before)).toEqual(["公办职校绩效工资最高能到基准线的几倍"]);

    await member.replyToBot("“一市一策”实施方案是哪些部门负责", answer!);
    const [followUp] = await member.replies(1);
    expect(htmlToPlainText(followUp!.text)).toContain("省发展改革委");

    await member.command("/ask 中职标准化建设（中德莱茵那条）责任单位是哪些");
    const [asked] = await member.replies(1);
    expect(htmlToPlainText(asked!.text)).toContain("二、（五）");
    expect(await member.collect(300)).toEqual([]);
    expect(service.asked.length - before).toBe(3);
  });

  it("lists documents with /docs and shows items with /item by prefix, file name and title", async () => {
    const alice = harness.chat(TOKEN, { userId: ALICE });
    await alice.command("/docs");
    const [docs] = await alice.replies(1);
    for (const d of service.documents()) expect(htmlToPlainText(docs!.text)).toContain(d.title);

    await alice.command("/item 004 33");
    await alice.command("/item 004_14cb77bf2456b070.txt 33");
    await alice.command("/item 任务清单 33");
    const items = await alice.replies(3);
    for (const m of items) {
      expect(m.text).toContain("绩效工资");
      expect(htmlToPlainText(m.text)).toContain("《山东省工作任务清单》第33项");
    }
    await alice.command("/item 004 999");
    const [unknown] = await alice.replies(1);
    const lookup = service.item("004_14cb77bf2456b070.txt", "999");
    if (lookup.found) throw new Error("item 999 should not exist");
    expect(htmlToPlainText(unknown!.text)).toContain(lookup.message);
    expect(unknown!.text).toContain("最接近的条目");
    expect(unknown!.text).toContain(`<code>${lookup.nearest[0]}</code>`);
  });

  it("answers the 原文 button with the cited item's full text", async () => {
    const alice = harness.chat(TOKEN, { userId: ALICE });
    await alice.say("公办职校绩效工资最高能到基准线的几倍");
    const [answer] = await alice.replies(1);
    const source = answer!.buttons.find((b) => b.data?.startsWith("src:"))!;
    const answeredBefore = harness.gateway.callsOf("answerCallbackQuery").length;
    await alice.press(source.data!, answer!.messageId);
    const [full] = await alice.replies(1);
    expect(full!.text).toContain("公办职业院校绩效工资水平最高可达到");
    expect(full!.text).toContain("责任单位");
    expect(harness.gateway.callsOf("answerCallbackQuery").length).toBe(answeredBefore + 1);
  });

  it("stores 👍/👎 durably and shows them in /stats (admins only)", async () => {
    const alice = harness.chat(TOKEN, { userId: ALICE });
    const admin = harness.chat(TOKEN, { userId: ADMIN });
    const question = "公办职业院校绩效工资水平的上限是多少";
    await alice.say(question);
    const [answer] = await alice.replies(1);
    const up = answer!.buttons.find((b) => b.text === "👍")!;
    await alice.press(up.data!, answer!.messageId);
    await admin.command("/stats");
    const [stats] = await admin.replies(1);
    expect(stats!.text).toMatch(/👍：1/);
    expect(stats!.text).toMatch(/👎：0/);
    const logged = fs.readFileSync(path.join(dataDir, JOURNAL_FILES.questions), "utf8").trim().split("\n").map((l) => JSON.parse(l));
    expect(logged.length).toBe(service.asked.length);
    expect(stats!.text).toContain(`提问：${logged.length}`);
    expect(stats!.text).toContain(`未找到（拒答）：${logged.filter((r) => r.refused).length}`);

    const lines = fs.readFileSync(path.join(dataDir, JOURNAL_FILES.feedback), "utf8").trim().split("\n");
    const vote = JSON.parse(lines.at(-1)!);
    expect(vote).toMatchObject({ vote: "up", userId: ALICE, chatId: ALICE, question });
    expect(vote.citations[0]).toMatchObject({ file: "004_14cb77bf2456b070.txt", item: "33" });

    await alice.command("/stats");
    const [refusal] = await alice.replies(1);
    expect(refusal!.text).toContain("管理员");
  });

  it("splits an answer longer than 4096 characters into balanced parts", async () => {
    // The fake answers list questions with every matching row, which is long; the split
    // is the bot's job whatever service wrote the answer.
    const token = testToken(5);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-tg-long-"));
    const fake = createFakeQaService(path.join(PROJECT_ROOT, "seeds"));
    const question = "省教育厅有哪些";
    const whole = renderAnswerHtml(await fake.ask(question));
    expect(whole.length).toBeGreaterThan(4096);
    const b = await startBotOnEmulator(harness, fake, emulatorSettings(harness, token, dir));
    try {
      const alice = harness.chat(token, { userId: ALICE });
      await alice.say(question);
      const first = await alice.replies(1);
      const rest = await alice.collect(500);
      const parts: BotMessage[] = [...first, ...rest];
      expect(parts.length).toBeGreaterThanOrEqual(2);
      for (const p of parts) {
        expect(p.text.length).toBeLessThanOrEqual(4096);
        expect(balanced(p.text)).toBe(true);
      }
      expect(parts[0]!.replyTo).toBeDefined();
      expect(parts.slice(1).every((p) => p.replyTo === undefined)).toBe(true);
      expect(parts.at(-1)!.buttons.length).toBeGreaterThan(0);
      expect(parts.slice(0, -1).every((p) => p.buttons.length === 0)).toBe(true);
      const strip = (t: string) => htmlToPlainText(t).replace(/\s+/g, "");
      expect(parts.map((p) => strip(p.text)).join("")).toBe(strip(whole));
    } finally {
      await b.running.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses an unauthorised chat once, politely, and does nothing else", async () => {
    const stranger = harness.chat(TOKEN, { userId: STRANGER });
    const before = service.asked.length;
    await stranger.say("公办职校绩效工资最高能到基准线的几倍");
    await stranger.say("还有一个问题");
    await stranger.command("/docs");
    const got = await stranger.collect(600);
    expect(got.map((m) => m.text)).toEqual(["抱歉，这个机器人只在指定的聊天中提供服务。"]);
    expect(service.asked.length).toBe(before);
  });

  it("retries a 429 after retry_after and a 502 after a backoff, then delivers", async () => {
    const alice = harness.chat(TOKEN, { userId: ALICE });
    const from = harness.gateway.calls.length;
    harness.gateway.failNext("sendMessage", tooManyRequests(1));
    await alice.say("公办职校绩效工资最高能到基准线的几倍");
    const [reply] = await alice.replies(1, 8_000);
    expect(reply!.text).toContain("5倍");
    const sends = harness.gateway.calls.slice(from).filter((c) => c.method === "sendMessage");
    expect(sends.map((c) => c.status)).toEqual([429, 200]);
    expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(950);
    expect(main.logLines.some((l) => l.includes("Bot API call failed") && l.includes('"code":429'))).toBe(true);

    const from2 = harness.gateway.calls.length;
    harness.gateway.failNext("sendMessage", badGateway());
    await alice.command("/about");
    const [about] = await alice.replies(1, 10_000);
    expect(about!.text).toContain("关于本机器人");
    const sends2 = harness.gateway.calls.slice(from2).filter((c) => c.method === "sendMessage");
    expect(sends2.map((c) => c.status)).toEqual([502, 200]);
  }, 20_000);

  it("keeps the token out of every log line", () => {
    expect(main.logLines.length).toBeGreaterThan(5);
    expect(main.logLines.some((l) => l.includes(TOKEN) || l.includes(TOKEN.split(":")[1]!))).toBe(false);
  });
});

describe("start and stop", () => {
  it("finishes an answer under way on shutdown and takes no new updates", async () => {
    const token = testToken(2);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-tg-stop-"));
    const slow = countingService(createFakeQaService(path.join(PROJECT_ROOT, "seeds"), { askDelayMs: 800 }));
    const b = await startBotOnEmulator(harness, slow, emulatorSettings(harness, token, dir));
    const alice = harness.chat(token, { userId: ALICE });
    await alice.say("公办职校绩效工资最高能到基准线的几倍");
    const until = Date.now() + 5_000;
    while (slow.asked.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
    expect(slow.asked.length).toBe(1);
    await b.running.stop();
    // The answer under way was delivered before stop() resolved.
    const delivered = harness.server.storage.botMessages.filter((m) => m.botToken === token);
    expect(delivered.length).toBe(1);
    expect(String((delivered[0]!.message as { text?: string }).text)).toContain("5倍");
    await alice.say("停止后的问题");
    await new Promise((r) => setTimeout(r, 400));
    expect(slow.asked.length).toBe(1);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("webhook mode: sets the webhook with a secret and rejects requests without it", async () => {
    const token = testToken(3);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-tg-hook-"));
    const port = await freePort();
    const settings = emulatorSettings(harness, token, dir, {
      WEBHOOK_URL: `http://127.0.0.1:${port}/telegram-hook`,
      WEBHOOK_SECRET: "s3cret_hook-value",
      WEBHOOK_PORT: String(port),
    });
    const svc: QaService = await createChatTestService();
    const b = await startBotOnEmulator(harness, svc, settings, { start: { webhookHost: "127.0.0.1" } });
    expect(b.running.mode).toBe("webhook");
    const setHook = harness.gateway.callsOf("setWebhook").find((c) => c.token === token)!;
    expect(setHook.payload).toMatchObject({ url: `http://127.0.0.1:${port}/telegram-hook`, secret_token: "s3cret_hook-value" });

    const update = {
      update_id: 5001,
      message: {
        message_id: 77, date: Math.floor(Date.now() / 1000), text: "公办职校绩效工资最高能到基准线的几倍",
        chat: { id: ALICE, type: "private", first_name: "A" }, from: { id: ALICE, is_bot: false, first_name: "A" },
      },
    };
    const post = (headers: Record<string, string>) =>
      fetch(`http://127.0.0.1:${port}/telegram-hook`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(update),
      });
    expect((await post({})).status).toBe(401);
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": "wrong" })).status).toBe(401);
    expect(harness.server.storage.botMessages.filter((m) => m.botToken === token)).toHaveLength(0);
    expect((await post({ "X-Telegram-Bot-Api-Secret-Token": "s3cret_hook-value" })).status).toBe(200);
    const replies = harness.server.storage.botMessages.filter((m) => m.botToken === token);
    expect(replies).toHaveLength(1);
    expect(String((replies[0]!.message as { text?: string }).text)).toContain("5倍");
    await b.running.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("chat load helper", () => {
  it("drives users × questions through the emulator and sees every question answered exactly once", async () => {
    const result = await runChatLoad({
      service: await createChatTestService(),
      users: 3,
      questionsPerUser: 3,
      questions: ["公办职校绩效工资最高能到基准线的几倍", "“一市一策”实施方案是哪些部门负责", "技校一年学费收多少？"],
    });
    expect(result.errors).toEqual([]);
    expect(result.perQuestion).toHaveLength(9);
    expect(result.perQuestion.every((q) => q.answers === 1)).toBe(true);
    expect(result.latenciesMs).toHaveLength(9);
    expect(result.latenciesMs.every((ms) => ms > 0 && ms < 5_000)).toBe(true);
  });
});

describe("signals", () => {
  it("on SIGTERM a bot process finishes the answer under way and exits 0", async () => {
    const { spawn } = await import("node:child_process");
    const token = testToken(4);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-tg-sig-"));
    const child = spawn(process.execPath, ["--import", "tsx", path.join(PROJECT_ROOT, "tests/helpers/bot-process.ts")], {
      cwd: PROJECT_ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        TELEGRAM_BOT_TOKEN: token,
        TELEGRAM_API_ROOT: harness.gateway.apiRoot,
        POLICYBOT_DATA_DIR: dir,
        FAKE_ASK_DELAY_MS: "1200",
        LOG_LEVEL: "info",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    const until = Date.now() + 20_000;
    while (!out.includes("ready") && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    expect(out).toContain("ready");

    const alice = harness.chat(token, { userId: ALICE });
    await alice.say("公办职校绩效工资最高能到基准线的几倍");
    // Wait until the bot has taken the update (typing shown), then ask it to stop.
    const typingUntil = Date.now() + 5_000;
    while (!harness.gateway.callsOf("sendChatAction").some((c) => c.token === token) && Date.now() < typingUntil) {
      await new Promise((r) => setTimeout(r, 10));
    }
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(out).toContain("stopped");
    const delivered = harness.server.storage.botMessages.filter((m) => m.botToken === token);
    expect(delivered).toHaveLength(1);
    expect(String((delivered[0]!.message as { text?: string }).text)).toContain("5倍");
    expect(err).toContain("shutting down");
    expect(err).not.toContain(token.split(":")[1]!);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);
});
