/**
 * End to end: the real bot (createBot + startBot, long polling through grammY's runner)
 * against the telegram-test-api Bot API emulator on 127.0.0.1, with a recording gateway
 * in front of it that also injects 429/502 replies.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { QaService } from "../src/service/contract.ts";
import { htmlToPlainText } from "../src/chat/format/escape-html.ts";
import { BOT_PROFILE, COMMAND_WORDING, WORDING } from "../src/wording/wording.ts";
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
  it("sets its description, short description and command menus for private chats, groups and admins, in Chinese and English", async () => {
    const forMe = (method: string) => harness.gateway.callsOf(method).filter((c) => c.token === TOKEN).map((c) => c.payload);
    expect(forMe("setMyDescription")).toEqual([
      { description: BOT_PROFILE.en.description },
      { description: BOT_PROFILE.zh.description, language_code: "zh" },
    ]);
    expect(forMe("setMyShortDescription")).toEqual([
      { short_description: BOT_PROFILE.en.shortDescription },
      { short_description: BOT_PROFILE.zh.shortDescription, language_code: "zh" },
    ]);
    const menus = forMe("setMyCommands").map((p) => ({
      scope: JSON.stringify(p.scope),
      language: p.language_code ?? "default",
      commands: (p.commands as { command: string; description: string }[]).map((c) => `${c.command}:${c.description}`),
    }));
    const menu = (names: (keyof typeof COMMAND_WORDING)[], lang: "zh" | "en") => names.map((n) => `${n}:${COMMAND_WORDING[n][lang]}`);
    const privateMenu = ["start", "help", "docs", "item", "about"] as const;
    const groupMenu = ["ask", "help", "docs", "item", "about"] as const;
    const adminMenu = [...privateMenu, "reindex", "stats"] as const;
    expect(menus).toEqual([
      { scope: '{"type":"all_private_chats"}', language: "default", commands: menu([...privateMenu], "en") },
      { scope: '{"type":"all_group_chats"}', language: "default", commands: menu([...groupMenu], "en") },
      { scope: `{"type":"chat","chat_id":${ADMIN}}`, language: "default", commands: menu([...adminMenu], "en") },
      { scope: '{"type":"all_private_chats"}', language: "zh", commands: menu([...privateMenu], "zh") },
      { scope: '{"type":"all_group_chats"}', language: "zh", commands: menu([...groupMenu], "zh") },
      { scope: `{"type":"chat","chat_id":${ADMIN}}`, language: "zh", commands: menu([...adminMenu], "zh") },
    ]);
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
    expect(reply!.buttonRows.at(-1)!.map((b) => b.text)).toEqual(["👍", "👎"]);
    expect(reply!.buttons.map((b) => b.text)).toEqual(expect.arrayContaining(["👍", "👎"]));
    // "typing…" was shown to Alice while the answer was worked out.
    expect(
      harness.gateway.callsOf("sendChatAction").some((c) => Number(c.payload.chat_id) === ALICE && c.payload.action === "typing"),
    ).toBe(true);
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

  it("lists documents with /docs and shows items with /item by prefix, number, file name and title", async () => {
    const alice = harness.chat(TOKEN, { userId: ALICE });
    await alice.command("/docs");
    const [docs] = await alice.replies(1);
    for (const d of service.corpus().documents) expect(htmlToPlainText(docs!.text)).toContain(d.meta.title);
    expect(docs!.text.startsWith(`<b>${WORDING.docsHeading(service.corpus().documents.length)}</b>`)).toBe(true);

    await alice.command("/item 004 33");
    await alice.command("/item 4 33");
    await alice.command("/item 004_14cb77bf2456b070.txt 33");
    await alice.command("/item 任务清单 第33项");
    const items = await alice.replies(4);
    for (const m of items) {
      expect(m.text).toContain("绩效工资");
      expect(htmlToPlainText(m.text)).toContain("《山东省工作任务清单》第33项");
    }
    // A label the document lacks gets its real range, in one short line, said once.
    await alice.command("/item 004 999");
    const unknown = await alice.replies(1);
    expect(unknown.map((m) => m.text)).toEqual(["《山东省工作任务清单》没有“999”。共45项，请输入1–45。"]);
    // An ambiguous reference lists only the documents it could mean.
    await alice.command("/item 工作要点 7");
    const [ambiguous] = await alice.replies(1);
    expect(htmlToPlainText(ambiguous!.text).split("\n").filter((l) => l.includes("《"))).toEqual([
      "000 《2023年山东省职业教育工作要点》",
      "001 《2021年山东省职业教育工作要点》",
    ]);
    expect(await alice.collect(200)).toEqual([]);
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

  it("pages a 40-item list: a count, ten items with a 📄 each, and 更多 bringing the next ten until all are shown", async () => {
    const alice = harness.chat(TOKEN, { userId: ALICE });
    const question = "省教育厅负责哪些任务？";
    const answer = await service.ask(question);
    const cited = answer.citations.map((c) => c.label);
    expect(cited).toHaveLength(40);
    await alice.say(question);
    const [first] = await alice.replies(1);
    expect(await alice.collect(300)).toEqual([]); // one message, not a wall
    const shown: string[] = [];
    let page = first!;
    for (let k = 0; k < 4; k++) {
      const lines = htmlToPlainText(page.text).split("\n").filter((l) => /^第\d+项　/.test(l));
      expect(lines).toHaveLength(10);
      const rows = page.buttonRows;
      const sources = rows.flat().filter((b) => b.data?.startsWith("src:"));
      // One 📄 per listed item, naming it, five to a row.
      expect(sources.map((b) => b.text)).toEqual(lines.map((l) => `📄 ${l.split("　")[0]}`));
      expect(sources.map((b) => b.data)).toEqual(lines.map((l) => `src:004:${/^第(\d+)项/.exec(l)![1]}`));
      expect(rows.slice(0, 2).map((r) => r.length)).toEqual([5, 5]);
      shown.push(...sources.map((b) => b.data!.split(":")[2]!));
      const more = rows.flat().find((b) => b.text.startsWith("更多"));
      if (k === 0) {
        expect(htmlToPlainText(page.text).split("\n")[0]).toMatch(/共40项$/);
        expect(rows.at(-1)!.map((b) => b.text)).toEqual(["👍", "👎"]);
      } else {
        expect(htmlToPlainText(page.text).split("\n")[0]).toBe(`（续，第${k + 1}/4页）共40项`);
      }
      if (k === 3) {
        expect(more).toBeUndefined();
        break;
      }
      expect(more!.text).toBe(WORDING.moreButton(30 - 10 * k, "项"));
      const edits = harness.gateway.callsOf("editMessageReplyMarkup").length;
      await alice.press(more!.data!, page.messageId);
      const [next] = await alice.replies(1);
      expect(next!.replyTo).toBe(page.messageId);
      // The pressed message keeps its 📄 and votes but loses 更多, so the page is not sent twice.
      const edit = harness.gateway.callsOf("editMessageReplyMarkup").slice(edits)[0]!;
      const kept = (edit.payload.reply_markup as { inline_keyboard: { text: string }[][] }).inline_keyboard.flat().map((b) => b.text);
      expect(kept).toEqual(rows.flat().filter((b) => b !== more).map((b) => b.text));
      page = next!;
    }
    expect(shown).toEqual(cited);

    // A 📄 on a later page sends that item's full text.
    await alice.press(page.buttons[0]!.data!, page.messageId);
    const [full] = await alice.replies(1);
    expect(htmlToPlainText(full!.text).startsWith(`《山东省工作任务清单》第${cited[30]}项`)).toBe(true);
  });

  it("splits a page longer than 4096 characters into balanced parts, buttons under the last", async () => {
    // Long quotes make one page longer than a message; the split is the bot's job whatever service wrote the answer.
    const token = testToken(5);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-tg-long-"));
    const fake = createFakeQaService(path.join(PROJECT_ROOT, "seeds"));
    const long: QaService = {
      ...fake,
      ask: async (q, o) => {
        const a = await fake.ask(q, o);
        const quote = (k: number) => ({ quote: `第${k}段：${a.citations[0]!.text.repeat(3)}`, citation: 0 });
        return { ...a, evidence: Array.from({ length: 12 }, (_, k) => quote(k)) };
      },
    };
    const b = await startBotOnEmulator(harness, long, emulatorSettings(harness, token, dir));
    try {
      const alice = harness.chat(token, { userId: ALICE });
      await alice.say("公办职校绩效工资最高能到基准线的几倍");
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
      expect(parts.at(-1)!.buttons.map((b) => b.text)).toEqual(["📄 原文", "👍", "👎"]);
      expect(parts.slice(0, -1).every((p) => p.buttons.length === 0)).toBe(true);
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
