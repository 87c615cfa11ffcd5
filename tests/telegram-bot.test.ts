/**
 * Unit tests of the bot through `bot.handleUpdate` with an API transformer that records
 * calls instead of sending them. This covers what the emulator cannot produce: inline
 * queries, non-text updates, edits, channel posts, membership changes, rate limiting,
 * failures inside handlers, and admin /reindex concurrency.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Update, UserFromGetMe } from "grammy/types";
import type { QaService } from "../src/answer/types.ts";
import { loadSettings, PROJECT_ROOT } from "../src/config/settings.ts";
import { createBot, type PolicyBot } from "../src/chat/telegram/create-bot.ts";
import { decodeCallback, encodeCallback, CALLBACK_DATA_MAX_BYTES } from "../src/chat/telegram/callback-data.ts";
import { questionForBot } from "../src/chat/telegram/group-trigger.ts";
import { resolveDocument } from "../src/chat/telegram/resolve-document.ts";
import { exampleQuestions } from "../src/chat/telegram/features/help.ts";
import { WORDING } from "../src/chat/telegram/wording.ts";
import { citationLine } from "../src/answer/render-answer.ts";
import { createFakeQaService, type FakeQaOptions } from "./helpers/fake-qa.ts";
import { capturingLogger, testToken } from "./helpers/telegram-emulator.ts";

const ME: UserFromGetMe = {
  id: 666, is_bot: true, first_name: "Policy", username: "TestNameBot", can_join_groups: true,
  can_read_all_group_messages: false, supports_inline_queries: true, can_connect_to_business: false,
  has_main_web_app: false, has_topics_enabled: false, allows_users_to_create_topics: false,
} as UserFromGetMe;
const TOKEN = testToken(7);
const seeds = path.join(PROJECT_ROOT, "seeds");
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

interface Call {
  method: string;
  payload: Record<string, unknown>;
}

function setup(env: Record<string, string> = {}, service: QaService = createFakeQaService(seeds)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-tg-unit-"));
  dirs.push(dir);
  const settings = loadSettings({ TELEGRAM_BOT_TOKEN: TOKEN, POLICYBOT_DATA_DIR: dir, ...env });
  const { logger, lines } = capturingLogger();
  const bot: PolicyBot = createBot(service, settings, logger, { botInfo: ME });
  const calls: Call[] = [];
  let nextId = 1000;
  // Outermost transformer: records and answers every call without any network.
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
  return { bot, calls, sent, lines, dir };
}

let updateId = 1;
const user = (id: number) => ({ id, is_bot: false, first_name: `U${id}` });
const privateChat = (id: number) => ({ id, type: "private" as const, first_name: `U${id}` });
const group = { id: -100555, type: "supergroup" as const, title: "群" };
function message(chat: { id: number; type: string }, from: number, fields: Record<string, unknown>): Update {
  return { update_id: updateId++, message: { message_id: updateId, date: 0, chat, from: user(from), ...fields } } as unknown as Update;
}
const text = (from: number, t: string, chat: { id: number; type: string } = privateChat(from)) => message(chat, from, { text: t });

describe("inline mode (not in the emulator: unit-tested)", () => {
  it("lists matching items with title, label and first line; choosing one posts the item with its citation", async () => {
    const svc = createFakeQaService(seeds);
    const { bot, calls } = setup({}, svc);
    await bot.handleUpdate({
      update_id: updateId++,
      inline_query: { id: "iq1", from: user(1), query: "绩效工资", offset: "" },
    } as Update);
    const call = calls.find((c) => c.method === "answerInlineQuery")!;
    const results = call.payload.results as { id: string; title: string; description: string; input_message_content: { message_text: string; parse_mode: string } }[];
    const hits = await svc.search("绩效工资", 10);
    expect(results.length).toBe(hits.length);
    results.forEach((r, k) => {
      const hit = hits[k]!;
      expect(r.title).toBe(citationLine({ title: hit.meta.title, docNumber: null, item: hit.item.label, kind: hit.item.kind }));
      expect(hit.item.text.startsWith(r.description.replace(/…$/, ""))).toBe(true);
      expect(r.input_message_content.parse_mode).toBe("HTML");
      expect(r.input_message_content.message_text.startsWith(`<b>《`)).toBe(true);
      expect(r.input_message_content.message_text.length).toBeLessThanOrEqual(4096);
    });
    const payItem = results.find((r) => r.title === "《山东省工作任务清单》第33项")!;
    expect(payItem.input_message_content.message_text).toContain("绩效工资基准线的5倍");
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
  });

  it("answers an empty inline query with no results", async () => {
    const { bot, calls } = setup();
    await bot.handleUpdate({ update_id: updateId++, inline_query: { id: "iq2", from: user(1), query: " ", offset: "" } } as Update);
    expect(calls.find((c) => c.method === "answerInlineQuery")!.payload.results).toEqual([]);
  });
});

describe("rate limiting", () => {
  it("answers up to the per-user limit and then says so exactly once", async () => {
    const svc = createFakeQaService(seeds);
    const { bot, sent } = setup({ RATE_LIMIT_PER_MINUTE: "2" }, svc);
    for (let k = 0; k < 5; k++) await bot.handleUpdate(text(11, `公办职校绩效工资最高几倍 ${k}`));
    expect(svc.calls.ask).toBe(2);
    expect(sent().filter((t) => t === WORDING.rateLimited)).toHaveLength(1);
    // Another user is not affected.
    await bot.handleUpdate(text(12, "公办职校绩效工资最高几倍"));
    expect(svc.calls.ask).toBe(3);
  });

  it("does not count group chatter that is not addressed to the bot", async () => {
    const svc = createFakeQaService(seeds);
    const { bot, sent } = setup({ RATE_LIMIT_PER_MINUTE: "1" }, svc);
    for (let k = 0; k < 3; k++) await bot.handleUpdate(text(13, `闲聊 ${k}`, group));
    await bot.handleUpdate(message(group, 13, { text: "/ask 公办职校绩效工资最高几倍", entities: [{ type: "bot_command", offset: 0, length: 4 }] }));
    expect(svc.calls.ask).toBe(1);
    expect(sent()).not.toContain(WORDING.rateLimited);
  });
});

describe("updates that are not questions never crash", () => {
  it("tells a private user what it can do for photos, stickers and voice, and stays quiet in groups", async () => {
    const { bot, sent, lines } = setup();
    await bot.handleUpdate(message(privateChat(21), 21, { photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }] }));
    await bot.handleUpdate(message(privateChat(21), 21, { sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false } }));
    await bot.handleUpdate(message(privateChat(21), 21, { voice: { file_id: "v", file_unique_id: "v", duration: 1 } }));
    expect(sent()).toEqual([WORDING.nonText, WORDING.nonText, WORDING.nonText]);
    await bot.handleUpdate(message(group, 21, { photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }] }));
    await bot.handleUpdate(message(group, 21, { new_chat_members: [user(99)] }));
    expect(sent()).toHaveLength(3);
    expect(lines.some((l) => l.includes("update failed"))).toBe(false);
  });

  it("handles edits, channel posts, membership changes and unknown buttons", async () => {
    const { bot, calls, sent, lines } = setup();
    await bot.handleUpdate({ update_id: updateId++, edited_message: { message_id: 5, date: 0, edit_date: 1, chat: privateChat(22), from: user(22), text: "改了" } } as Update);
    await bot.handleUpdate({ update_id: updateId++, edited_message: { message_id: 6, date: 0, edit_date: 1, chat: group, from: user(22), text: "改了" } } as Update);
    await bot.handleUpdate({ update_id: updateId++, channel_post: { message_id: 7, date: 0, chat: { id: -1009, type: "channel", title: "c" }, text: "公告" } } as Update);
    await bot.handleUpdate({
      update_id: updateId++,
      my_chat_member: {
        chat: group, from: user(22), date: 0,
        old_chat_member: { status: "left", user: ME }, new_chat_member: { status: "member", user: ME },
      },
    } as unknown as Update);
    await bot.handleUpdate({ update_id: updateId++, callback_query: { id: "cb1", from: user(22), chat_instance: "x", data: "something-old", message: { message_id: 3, date: 0, chat: privateChat(22) } } } as unknown as Update);
    await bot.handleUpdate({ update_id: updateId++, callback_query: { id: "cb2", from: user(22), chat_instance: "x", game_short_name: "g" } } as unknown as Update);
    await bot.handleUpdate(message(privateChat(22), 22, { text: "/nosuch", entities: [{ type: "bot_command", offset: 0, length: 7 }] }));
    expect(sent()).toEqual([WORDING.edited, WORDING.unknownCommand]);
    const answered = calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.payload.text);
    expect(answered).toEqual([WORDING.buttonExpired, WORDING.buttonExpired]);
    expect(lines.some((l) => l.includes("update failed"))).toBe(false);
  });

  it("logs a failing service (without the token) and replies briefly instead of dying", async () => {
    const broken: QaService = {
      ...createFakeQaService(seeds),
      ask: () => Promise.reject(new Error(`upstream failed for https://api.telegram.org/bot${TOKEN}/x`)),
    };
    const { bot, sent, lines } = setup({}, broken);
    await expect(bot.handleUpdate(text(23, "公办职校绩效工资最高几倍"))).resolves.toBeUndefined();
    expect(sent()).toEqual([WORDING.failed]);
    const failure = lines.find((l) => l.includes("update failed"))!;
    expect(failure).toContain("upstream failed");
    expect(failure).not.toContain(TOKEN.split(":")[1]!);
  });
});

describe("access, admin and groups", () => {
  it("refuses a chat outside ALLOWED_CHAT_IDS once and ignores its buttons and inline queries", async () => {
    const svc = createFakeQaService(seeds);
    const { bot, calls, sent } = setup({ ALLOWED_CHAT_IDS: "31" }, svc);
    await bot.handleUpdate(text(32, "公办职校绩效工资最高几倍"));
    await bot.handleUpdate(text(32, "再问一次"));
    await bot.handleUpdate({ update_id: updateId++, inline_query: { id: "iq3", from: user(32), query: "绩效", offset: "" } } as Update);
    expect(sent()).toEqual([WORDING.notAllowed]);
    expect(calls.find((c) => c.method === "answerInlineQuery")!.payload.results).toEqual([]);
    expect(svc.calls.ask + svc.calls.search).toBe(0);
    await bot.handleUpdate(text(31, "公办职校绩效工资最高几倍"));
    expect(svc.calls.ask).toBe(1);
  });

  it("/reindex is for admins, runs in the background, and answers keep flowing meanwhile", async () => {
    const svc = createFakeQaService(seeds, { reindexDelayMs: 300 } satisfies FakeQaOptions);
    const { bot, sent } = setup({ ADMIN_USER_IDS: "41" }, svc);
    const cmd = (from: number, t: string) => message(privateChat(from), from, { text: t, entities: [{ type: "bot_command", offset: 0, length: t.split(" ")[0]!.length }] });
    await bot.handleUpdate(cmd(42, "/reindex"));
    expect(sent()).toEqual([WORDING.adminOnly]);
    expect(svc.calls.reindex).toBe(0);

    await bot.handleUpdate(cmd(41, "/reindex"));
    expect(svc.calls.reindex).toBe(1);
    await bot.handleUpdate(text(43, "公办职校绩效工资最高几倍"));
    expect(await bot.policy.inFlight.drain(5_000)).toBe(true);
    const texts = sent();
    const answered = texts.findIndex((t) => t.includes("5倍"));
    const rebuilt = texts.findIndex((t) => t.startsWith("索引已重建"));
    expect(texts[1]).toBe(WORDING.reindexStarted);
    // The answer went out while the index was still being rebuilt.
    expect(answered).toBeGreaterThan(1);
    expect(rebuilt).toBeGreaterThan(answered);
  });

  it("/reindex tells the admin which files were skipped and which to check, by name", async () => {
    const svc = createFakeQaService(seeds);
    const problems = [
      { file: "a.txt", severity: "error" as const, message: "a.txt: file is empty; remove it or put the circular's text in it." },
      { file: "b.txt", severity: "warning" as const, message: "b.txt: decoded as GB18030 (not UTF-8); consider saving it as UTF-8." },
      { file: "c.txt", severity: "info" as const, message: "c.txt: a degraded copy of the table was dropped." },
      ...Array.from({ length: 14 }, (_, k) => ({ file: `x${k}.bin`, severity: "error" as const, message: `x${k}.bin: not a text file` })),
    ];
    const { bot, sent } = setup({ ADMIN_USER_IDS: "41" }, { ...svc, reindex: async () => ({ documents: 6, items: 195, ms: 1234, problems }) });
    await bot.handleUpdate(message(privateChat(41), 41, { text: "/reindex", entities: [{ type: "bot_command", offset: 0, length: 8 }] }));
    expect(await bot.policy.inFlight.drain(5_000)).toBe(true);
    const report = sent().at(-1)!;
    expect(report.split("\n").slice(0, 4)).toEqual([
      "索引已重建：6 份文件，195 条，用时 1.2 秒。",
      "",
      WORDING.reindexSkipped,
      `• ${problems[0]!.message}`,
    ]);
    expect(report).toContain(`${WORDING.reindexWarnings}\n• ${problems[1]!.message}`);
    // Info is not worth an admin's time; a long list is cut with a count.
    expect(report).not.toContain("c.txt");
    expect(report).toContain("x10.bin");
    expect(report).not.toContain("x11.bin");
    expect(report).toContain("…（另有 3 条，见日志）");
  });

  it("finds the question in a group mention, a text mention and a reply to the bot", () => {
    const base = { message_id: 1, date: 0, chat: group, from: user(1) };
    expect(questionForBot({ ...base, text: "@TestNameBot 绩效工资几倍", entities: [{ type: "mention", offset: 0, length: 12 }] } as never, ME)).toBe("绩效工资几倍");
    expect(questionForBot({ ...base, text: "请问 @testnamebot ，绩效工资几倍", entities: [{ type: "mention", offset: 3, length: 12 }] } as never, ME)).toBe("请问 ，绩效工资几倍");
    expect(questionForBot({ ...base, text: "机器人 绩效工资几倍", entities: [{ type: "text_mention", offset: 0, length: 3, user: ME }] } as never, ME)).toBe("绩效工资几倍");
    expect(questionForBot({ ...base, text: "@OtherBot 绩效", entities: [{ type: "mention", offset: 0, length: 9 }] } as never, ME)).toBeUndefined();
    expect(questionForBot({ ...base, text: "那2021年呢", reply_to_message: { ...base, from: ME, text: "…" } } as never, ME)).toBe("那2021年呢");
    expect(questionForBot({ ...base, text: "随便聊聊" } as never, ME)).toBeUndefined();
  });
});

describe("callback data and document references", () => {
  it("encodes sources and votes within 64 bytes and decodes them back", () => {
    for (const label of ["33", "二、（五）", "三、（二）2.", "附件12", "专栏1"]) {
      const data = encodeCallback({ kind: "source", filePrefix: "003", label })!;
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
      expect(decodeCallback(data)).toEqual({ kind: "source", filePrefix: "003", label });
    }
    expect(decodeCallback(encodeCallback({ kind: "vote", vote: "down", answerId: "Ab3_-x" }))).toEqual({ kind: "vote", vote: "down", answerId: "Ab3_-x" });
    expect(encodeCallback({ kind: "source", filePrefix: "003", label: "条".repeat(30) })).toBeUndefined();
    expect(decodeCallback("fb:x:1")).toBeUndefined();
  });

  it("resolves a document by file name, prefix or title fragment", () => {
    const docs = createFakeQaService(seeds).documents();
    expect(resolveDocument("004", docs)).toMatchObject({ kind: "found", meta: { file: "004_14cb77bf2456b070.txt" } });
    expect(resolveDocument("4", docs)).toMatchObject({ kind: "found", meta: { file: "004_14cb77bf2456b070.txt" } });
    expect(resolveDocument("004_14cb77bf2456b070", docs)).toMatchObject({ kind: "found" });
    expect(resolveDocument("技工教育", docs)).toMatchObject({ kind: "found", meta: { file: "003_194877eefa97dfa3.txt" } });
    expect(resolveDocument("工作要点", docs).kind).toBe("ambiguous");
    expect(resolveDocument("不存在的文件", docs).kind).toBe("none");
  });

  it("draws /help examples from the documents' titles", () => {
    const docs = createFakeQaService(seeds).documents();
    const examples = exampleQuestions(docs, 4);
    expect(examples).toHaveLength(4);
    examples.forEach((q, k) => expect(q.includes(docs[k]!.title) || q.includes(docs[k]!.docNumber ?? "\u0000")).toBe(true));
  });
});
