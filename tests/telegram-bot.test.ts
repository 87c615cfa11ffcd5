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
import type { Update } from "grammy/types";
import type { QaService } from "../src/service/contract.ts";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { decodeCallback, encodeCallback, CALLBACK_DATA_MAX_BYTES } from "../src/chat/telegram/callback-data.ts";
import { questionForBot } from "../src/chat/telegram/group-trigger.ts";
import { directoryOf } from "../src/corpus/lookup.ts";
import { exampleQuestions } from "../src/commands/help.ts";
import { WORDING } from "../src/wording/wording.ts";
import { citationLine } from "../src/answer/render-answer.ts";
import { htmlToPlainText } from "../src/chat/format/escape-html.ts";
import { createFakeQaService, type FakeQaOptions } from "./helpers/fake-qa.ts";
import { ME, message, newUpdateId, privateChat, recordingBot, text, user, type RecordedApiCall } from "./helpers/recording-bot.ts";
import { testToken } from "./helpers/telegram-emulator.ts";

const TOKEN = testToken(7);
const seeds = path.join(PROJECT_ROOT, "seeds");
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function setup(env: Record<string, string> = {}, service: QaService = createFakeQaService(seeds)) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-tg-unit-"));
  dirs.push(dir);
  return { ...recordingBot(TOKEN, dir, service, env), dir };
}

const group = { id: -100555, type: "supergroup" as const, title: "群" };

describe("inline mode (not in the emulator: unit-tested)", () => {
  it("lists matching items with title, label and first line; choosing one posts the item with its citation", async () => {
    const svc = createFakeQaService(seeds);
    const { bot, calls } = setup({}, svc);
    await bot.handleUpdate({
      update_id: newUpdateId(),
      inline_query: { id: "iq1", from: user(1), query: "绩效工资", offset: "" },
    } as Update);
    const call = calls.find((c) => c.method === "answerInlineQuery")!;
    const results = call.payload.results as {
      id: string;
      title: string;
      description: string;
      input_message_content: { message_text: string; parse_mode: string };
    }[];
    const hits = await svc.search("绩效工资", 10);
    expect(results.length).toBe(hits.length);
    results.forEach((r, k) => {
      const hit = hits[k]!;
      expect(r.title).toBe(citationLine({ title: hit.meta.title, docNumber: null, label: hit.item.label, kind: hit.item.kind }));
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
    await bot.handleUpdate({ update_id: newUpdateId(), inline_query: { id: "iq2", from: user(1), query: " ", offset: "" } } as Update);
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
    await bot.handleUpdate(
      message(privateChat(21), 21, {
        sticker: { file_id: "s", file_unique_id: "s", type: "regular", width: 1, height: 1, is_animated: false, is_video: false },
      }),
    );
    await bot.handleUpdate(message(privateChat(21), 21, { voice: { file_id: "v", file_unique_id: "v", duration: 1 } }));
    expect(sent()).toEqual([WORDING.nonText, WORDING.nonText, WORDING.nonText]);
    await bot.handleUpdate(message(group, 21, { photo: [{ file_id: "p", file_unique_id: "p", width: 1, height: 1 }] }));
    await bot.handleUpdate(message(group, 21, { new_chat_members: [user(99)] }));
    expect(sent()).toHaveLength(3);
    expect(lines.some((l) => l.includes("update failed"))).toBe(false);
  });

  it("handles edits, channel posts, membership changes and unknown buttons", async () => {
    const { bot, calls, sent, lines } = setup();
    await bot.handleUpdate({
      update_id: newUpdateId(),
      edited_message: { message_id: 5, date: 0, edit_date: 1, chat: privateChat(22), from: user(22), text: "改了" },
    } as Update);
    await bot.handleUpdate({
      update_id: newUpdateId(),
      edited_message: { message_id: 6, date: 0, edit_date: 1, chat: group, from: user(22), text: "改了" },
    } as Update);
    await bot.handleUpdate({
      update_id: newUpdateId(),
      channel_post: { message_id: 7, date: 0, chat: { id: -1009, type: "channel", title: "c" }, text: "公告" },
    } as Update);
    await bot.handleUpdate({
      update_id: newUpdateId(),
      my_chat_member: {
        chat: group, from: user(22), date: 0,
        old_chat_member: { status: "left", user: ME }, new_chat_member: { status: "member", user: ME },
      },
    } as unknown as Update);
    await bot.handleUpdate({
      update_id: newUpdateId(),
      callback_query: {
        id: "cb1",
        from: user(22),
        chat_instance: "x",
        data: "something-old",
        message: { message_id: 3, date: 0, chat: privateChat(22) },
      },
    } as unknown as Update);
    await bot.handleUpdate({
      update_id: newUpdateId(),
      callback_query: { id: "cb2", from: user(22), chat_instance: "x", game_short_name: "g" },
    } as unknown as Update);
    await bot.handleUpdate(message(privateChat(22), 22, { text: "/nosuch", entities: [{ type: "bot_command", offset: 0, length: 7 }] }));
    // The membership change adds the bot to a group: it introduces itself there, once.
    expect(sent()).toEqual([WORDING.edited, WORDING.groupGreeting(ME.username), WORDING.unknownCommand]);
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
    await bot.handleUpdate({ update_id: newUpdateId(), inline_query: { id: "iq3", from: user(32), query: "绩效", offset: "" } } as Update);
    expect(sent()).toEqual([WORDING.notAllowed]);
    expect(calls.find((c) => c.method === "answerInlineQuery")!.payload.results).toEqual([]);
    expect(svc.calls.ask + svc.calls.search).toBe(0);
    await bot.handleUpdate(text(31, "公办职校绩效工资最高几倍"));
    expect(svc.calls.ask).toBe(1);
  });

  it("/reindex is for admins, runs in the background, and answers keep flowing meanwhile", async () => {
    const svc = createFakeQaService(seeds, { reindexDelayMs: 300 } satisfies FakeQaOptions);
    const { bot, sent } = setup({ ADMIN_USER_IDS: "41" }, svc);
    const cmd = (from: number, t: string) =>
      message(privateChat(from), from, { text: t, entities: [{ type: "bot_command", offset: 0, length: t.split(" ")[0]!.length }] });
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
    const { bot, sent } = setup(
      { ADMIN_USER_IDS: "41" },
      { ...svc, reindex: async () => ({ documents: 6, items: 195, ms: 1234, problems }) },
    );
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
    expect(
      questionForBot({ ...base, text: "@TestNameBot 绩效工资几倍", entities: [{ type: "mention", offset: 0, length: 12 }] } as never, ME),
    ).toBe("绩效工资几倍");
    expect(
      questionForBot(
        { ...base, text: "请问 @testnamebot ，绩效工资几倍", entities: [{ type: "mention", offset: 3, length: 12 }] } as never,
        ME,
      ),
    ).toBe("请问 ，绩效工资几倍");
    expect(
      questionForBot(
        { ...base, text: "机器人 绩效工资几倍", entities: [{ type: "text_mention", offset: 0, length: 3, user: ME }] } as never,
        ME,
      ),
    ).toBe("绩效工资几倍");
    expect(
      questionForBot({ ...base, text: "@OtherBot 绩效", entities: [{ type: "mention", offset: 0, length: 9 }] } as never, ME),
    ).toBeUndefined();
    expect(questionForBot({ ...base, text: "那2021年呢", reply_to_message: { ...base, from: ME, text: "…" } } as never, ME)).toBe("那2021年呢");
    expect(questionForBot({ ...base, text: "随便聊聊" } as never, ME)).toBeUndefined();
  });
});

describe("callback data and document references", () => {
  it("encodes sources, pages and votes within 64 bytes and decodes them back", () => {
    for (const label of ["33", "二、（五）", "三、（二）2.", "附件12", "专栏1"]) {
      const data = encodeCallback({ kind: "source", documentRef: "003", label })!;
      expect(Buffer.byteLength(data)).toBeLessThanOrEqual(CALLBACK_DATA_MAX_BYTES);
      expect(decodeCallback(data)).toEqual({ kind: "source", documentRef: "003", label });
    }
    expect(decodeCallback(encodeCallback({ kind: "vote", vote: "down", answerId: "Ab3_-x" }))).toEqual({
      kind: "vote",
      vote: "down",
      answerId: "Ab3_-x",
    });
    const more = { kind: "more", replyId: "k3j2h1x9", page: 3 } as const;
    expect(decodeCallback(encodeCallback(more))).toEqual(more);
    expect(encodeCallback({ kind: "source", documentRef: "003", label: "条".repeat(30) })).toBeUndefined();
    expect(decodeCallback("fb:x:1")).toBeUndefined();
    expect(decodeCallback("more:x:-1")).toBeUndefined();
  });

  it("resolves a document by file name, id, number or title fragment, and lists only the documents that match", () => {
    const dir = directoryOf(createFakeQaService(seeds).corpus());
    const file = (spec: string) => {
      const m = dir.resolve(spec);
      return m.kind === "found" ? m.document.meta.file : m.kind;
    };
    expect(file("004")).toBe("004_14cb77bf2456b070.txt");
    expect(file("4")).toBe("004_14cb77bf2456b070.txt");
    expect(file("004_14cb77bf2456b070")).toBe("004_14cb77bf2456b070.txt");
    expect(file("004_14cb77bf2456b070.txt")).toBe("004_14cb77bf2456b070.txt");
    expect(file("技工教育")).toBe("003_194877eefa97dfa3.txt");
    expect(file("不存在的文件")).toBe("none");
    const ambiguous = dir.resolve("工作要点");
    const candidates = ambiguous.kind === "ambiguous" && ambiguous.candidates.map((d) => d.meta.file);
    expect(candidates).toEqual(["000_346006db63b2c568.txt", "001_c98baa8c8791d9e5.txt"]);
  });

  it("draws /help examples from the documents' titles", () => {
    const docs = createFakeQaService(seeds).corpus().documents.map((d) => d.meta);
    const examples = exampleQuestions(docs, 4);
    expect(examples).toHaveLength(4);
    examples.forEach((q, k) => expect(q.includes(docs[k]!.title) || q.includes(docs[k]!.docNumber ?? "\u0000")).toBe(true));
  });
});

describe("forum topics: every reply and chat action goes to the topic the update came from", () => {
  it("sends help, docs, items, about, stats, reindex reports, answers, pages and 📄 texts with its message_thread_id", async () => {
    const TOPIC = 42;
    const { bot, calls } = setup({ ADMIN_USER_IDS: "61", RATE_LIMIT_PER_MINUTE: "4" });
    const inTopic = (from: number, t: string) =>
      message(group, from, {
        text: t, is_topic_message: true, message_thread_id: TOPIC,
        ...(t.startsWith("/") ? { entities: [{ type: "bot_command", offset: 0, length: t.split(" ")[0]!.length }] } : {}),
      });
    const commands = ["/help", "/start", "/docs", "/docs 2023", "/item 004 33", "/item 004 999", "/about", "/stats", "/ask"];
    for (const t of [...commands, "/ask 省教育厅有哪些"]) await bot.handleUpdate(inTopic(61, t));
    await bot.handleUpdate(inTopic(61, "/reindex"));
    expect(await bot.policy.inFlight.drain(5_000)).toBe(true);
    const mention = "@TestNameBot 公办职校绩效工资最高几倍";
    const entities = [{ type: "mention", offset: 0, length: 12 }];
    await bot.handleUpdate(message(group, 62, { text: mention, entities, is_topic_message: true, message_thread_id: TOPIC }));
    // Over the rate limit: the notice goes to the topic too.
    for (let k = 0; k < 5; k++) await bot.handleUpdate(inTopic(63, `/ask 绩效工资几倍 ${k}`));

    // The list answer's buttons: 更多 and a 📄, pressed under the message in the topic.
    type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;
    const keyboardOf = (c: RecordedApiCall) => (c.payload.reply_markup as Keyboard)?.inline_keyboard ?? [];
    const list = calls.find((c) => c.method === "sendMessage" && keyboardOf(c).flat().some((b) => b.text.startsWith("更多")))!;
    const keyboard = keyboardOf(list);
    const pressed = {
      message_id: 5000, date: 0, chat: group, is_topic_message: true, message_thread_id: TOPIC, reply_markup: { inline_keyboard: keyboard },
    };
    for (const b of [keyboard.flat().find((x) => x.text.startsWith("更多"))!, keyboard[0]![0]!]) {
      const callback = { id: `cb${newUpdateId()}`, from: user(61), chat_instance: "x", data: b.callback_data, message: pressed };
      await bot.handleUpdate({ update_id: newUpdateId(), callback_query: callback } as unknown as Update);
    }

    const sends = calls.filter((c) => c.method === "sendMessage" || c.method === "sendChatAction");
    expect(sends.filter((c) => c.method === "sendMessage").length).toBeGreaterThanOrEqual(19);
    expect(sends.some((c) => c.method === "sendChatAction")).toBe(true);
    const elsewhere = sends.filter((c) => c.payload.message_thread_id !== TOPIC);
    expect(elsewhere.map((c) => `${c.method}: ${String(c.payload.text ?? c.payload.action).slice(0, 30)}`)).toEqual([]);
    const texts = sends.map((c) => String(c.payload.text ?? ""));
    for (const expected of [WORDING.reindexStarted, WORDING.rateLimited, WORDING.groupAskHint(ME.username)]) {
      expect(texts).toContain(expected);
    }
    expect(texts.some((t) => t.startsWith("索引已重建"))).toBe(true);
    expect(texts.some((t) => t.startsWith("（续，第2/"))).toBe(true);
  });
});

describe("a group greeting", () => {
  const membership = (chat: { id: number; type: string }, from: string, to: string) =>
    ({
      update_id: newUpdateId(),
      my_chat_member: {
        chat, from: user(71), date: 0, old_chat_member: { status: from, user: ME }, new_chat_member: { status: to, user: ME },
      },
    }) as unknown as Update;

  it("introduces the bot once when it is added to a group, saying how to ask there", async () => {
    const { bot, sent } = setup();
    await bot.handleUpdate(membership(group, "left", "member"));
    expect(sent()).toEqual([
      "大家好！我根据山东省职业教育相关政策文件回答问题，每个回答都注明出处（文件和条目）。\n" +
        "在群里提问：@TestNameBot 加上问题，回复我的消息，或发送 /ask 问题。\n" +
        "例如：/ask 公办职业院校绩效工资最高是基准线的几倍？\n" +
        "发送 /help 查看更多用法。",
    ]);
    // Made an admin, restricted, or a private chat unblocked: nothing more is said.
    await bot.handleUpdate(membership(group, "member", "administrator"));
    await bot.handleUpdate(membership(privateChat(72), "kicked", "member"));
    await bot.handleUpdate(membership({ id: -100556, type: "group", title: "小群" } as never, "kicked", "member"));
    expect(sent()).toHaveLength(2);
  });

  it("says nothing in a group it does not serve", async () => {
    const { bot, sent } = setup({ ALLOWED_CHAT_IDS: "1" });
    await bot.handleUpdate(membership(group, "left", "member"));
    expect(sent()).toEqual([]);
  });
});

describe("a very long item is paged, one message per press (issue 12 §2: one /item press sent 203 messages)", () => {
  it("sends the first page with 更多, then one page per press, until the last", async () => {
    const seedsDir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-long-item-"));
    dirs.push(seedsDir);
    const sentence = "职业院校要把绩效工资改革落到实处，专业教师可在校企合作企业兼职取酬。";
    fs.writeFileSync(path.join(seedsDir, "900_long.txt"), `关于长条目的通知\n1. ${sentence.repeat(900)}\n2. 短条目。\n`);
    const { bot, calls } = setup({}, createFakeQaService(seedsDir));
    const command = { text: "/item 900 1", entities: [{ type: "bot_command", offset: 0, length: 5 }] };
    await bot.handleUpdate(message(privateChat(81), 81, command));
    const messages = () => calls.filter((c) => c.method === "sendMessage");
    expect(messages()).toHaveLength(1);
    let pages = 1;
    for (;;) {
      const last = messages().at(-1)!;
      expect(String(last.payload.text).length).toBeLessThanOrEqual(4096);
      type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] } | undefined;
      const rows = (last.payload.reply_markup as Keyboard)?.inline_keyboard;
      const more = rows?.flat().find((b) => b.text.startsWith("更多"));
      if (!more) break;
      expect(more.text).toBe(WORDING.morePartButton(pages + 1, 11));
      await bot.handleUpdate({
        update_id: newUpdateId(),
        callback_query: {
          id: `cb${newUpdateId()}`, from: user(81), chat_instance: "x", data: more.callback_data,
          message: { message_id: 1000 + pages - 1, date: 0, chat: privateChat(81), reply_markup: { inline_keyboard: rows } },
        },
      } as unknown as Update);
      pages++;
      expect(messages()).toHaveLength(pages);
    }
    expect(pages).toBe(11);
    const shown = messages().map((m) => htmlToPlainText(String(m.payload.text)).replace(/^《关于长条目的通知》第1条(（续，第\d+\/11段）)?\n\n/, "")).join("");
    // Compared as a boolean: a failure should not print 30,000 characters.
    expect(shown === `1. ${sentence.repeat(900)}`).toBe(true);
    // Each press took its 更多 off the message it was under.
    expect(calls.filter((c) => c.method === "editMessageReplyMarkup")).toHaveLength(10);
  });
});
