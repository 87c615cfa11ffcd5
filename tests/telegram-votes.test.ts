/**
 * Feedback cannot be forged or used to stall the bot (issue 12 §5): a 👍/👎 counts only
 * from the asker's chat (in a group: a press on that group's message) and only for an
 * answer that exists; presses on inline messages and from chats outside
 * ALLOWED_CHAT_IDS are not recorded; answers are found in memory, never by rereading
 * the question log; presses are rate-limited per user. Through `bot.handleUpdate`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { JOURNAL_FILES } from "../src/chat/telegram/journal.ts";
import { WORDING } from "../src/wording/wording.ts";
import { createFakeQaService } from "./helpers/fake-qa.ts";
import { message, press, privateChat, recordingBot, text, type RecordingBot } from "./helpers/recording-bot.ts";
import { testToken } from "./helpers/telegram-emulator.ts";

const TOKEN = testToken(71);
const seeds = path.join(PROJECT_ROOT, "seeds");
const ALICE = 5101;
const BOB = 5102;
const GROUP = { id: -100888, type: "supergroup" as const, title: "教研群" };
const OTHER_GROUP = { id: -100999, type: "supergroup" as const, title: "别的群" };
const QUESTION = "公办职校绩效工资最高能到基准线的几倍";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
function setup(env: Record<string, string> = {}, before?: (dir: string) => void): RecordingBot & { dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-votes-"));
  dirs.push(dir);
  before?.(dir);
  return { ...recordingBot(TOKEN, dir, createFakeQaService(seeds), env), dir };
}

/** The 👍 and 👎 callback data under the last answer the bot sent. */
function voteButtons(b: RecordingBot): { up: string; down: string } {
  const last = b.calls.filter((c) => c.method === "sendMessage").at(-1)!;
  const rows = (last.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard;
  const flat = rows.flat();
  return { up: flat.find((k) => k.text === "👍")!.callback_data, down: flat.find((k) => k.text === "👎")!.callback_data };
}

const callbackAnswers = (b: RecordingBot) => b.calls.filter((c) => c.method === "answerCallbackQuery").map((c) => c.payload.text);

function feedbackLines(dir: string): { answerId: string; vote: string; userId: number; chatId: number }[] {
  const file = path.join(dir, JOURNAL_FILES.feedback);
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

describe("votes", () => {
  it("count only from the asker in a private chat", async () => {
    const b = setup();
    await b.bot.handleUpdate(text(ALICE, QUESTION));
    const { up, down } = voteButtons(b);
    // Bob replays Alice's button data from his own chat.
    await b.bot.handleUpdate(press(BOB, up, privateChat(BOB)));
    await b.bot.handleUpdate(press(BOB, down, privateChat(BOB)));
    expect(feedbackLines(b.dir)).toEqual([]);
    await b.bot.handleUpdate(press(ALICE, up, privateChat(ALICE)));
    expect(feedbackLines(b.dir)).toMatchObject([{ vote: "up", userId: ALICE, chatId: ALICE }]);
    expect(callbackAnswers(b)).toEqual([WORDING.voteNotAccepted, WORDING.voteNotAccepted, WORDING.voteThanks.up]);
    // Pressing again and again changes nothing in /stats: the asker's latest vote counts.
    for (let k = 0; k < 3; k++) await b.bot.handleUpdate(press(ALICE, up, privateChat(ALICE)));
    expect(await b.bot.policy.journal.stats()).toMatchObject({ up: 1, down: 0 });
  });

  it("in a group, count from members pressing on that group's message, not from another group", async () => {
    const b = setup();
    const ask = { text: `/ask ${QUESTION}`, entities: [{ type: "bot_command", offset: 0, length: 4 }] };
    await b.bot.handleUpdate(message(GROUP, ALICE, ask));
    const { up, down } = voteButtons(b);
    await b.bot.handleUpdate(press(BOB, down, GROUP));
    await b.bot.handleUpdate(press(BOB, up, OTHER_GROUP));
    await b.bot.handleUpdate(press(BOB, up, privateChat(BOB)));
    expect(feedbackLines(b.dir)).toMatchObject([{ vote: "down", userId: BOB, chatId: GROUP.id }]);
    expect(callbackAnswers(b)).toEqual([WORDING.voteThanks.down, WORDING.voteNotAccepted, WORDING.voteNotAccepted]);
  });

  it("are refused for answer ids that do not exist, and for presses on inline messages", async () => {
    const b = setup();
    await b.bot.handleUpdate(text(ALICE, QUESTION));
    const { up } = voteButtons(b);
    await b.bot.handleUpdate(press(ALICE, "fb:u:AAAAAAAA", privateChat(ALICE)));
    // An inline message has no chat: whoever presses there is not known to be the asker.
    await b.bot.handleUpdate(press(ALICE, up, undefined));
    expect(feedbackLines(b.dir)).toEqual([]);
    expect(callbackAnswers(b)).toEqual([WORDING.buttonExpired, WORDING.voteNotAccepted]);
  });

  it("from chats outside ALLOWED_CHAT_IDS are not recorded", async () => {
    const b = setup({ ALLOWED_CHAT_IDS: String(ALICE) });
    await b.bot.handleUpdate(text(ALICE, QUESTION));
    const { up } = voteButtons(b);
    await b.bot.handleUpdate(press(BOB, up, privateChat(BOB)));
    await b.bot.handleUpdate(press(BOB, up, undefined));
    expect(feedbackLines(b.dir)).toEqual([]);
  });

  it("find answers in memory: an id only the old part of a large question log holds is not searched for on disk", async () => {
    const old = {
      answerId: "oldAnswer1", time: "2025-01-01T00:00:00.000Z", chatId: ALICE, userId: ALICE, chatType: "private",
      question: "很久以前的问题", refused: false, citations: [], ms: 1,
    };
    const b = setup({}, (dir) => {
      // A year of questions: ~20 MB, the oldest first.
      const filler = JSON.stringify({ ...old, answerId: "fillerAnswer", question: "填充".repeat(120) }) + "\n";
      const log = JSON.stringify(old) + "\n" + filler.repeat(Math.ceil(20e6 / filler.length));
      fs.writeFileSync(path.join(dir, JOURNAL_FILES.questions), log);
    });
    await b.bot.handleUpdate(text(ALICE, QUESTION));
    const { up } = voteButtons(b);
    await b.bot.handleUpdate(press(ALICE, "fb:u:oldAnswer1", privateChat(ALICE)));
    await b.bot.handleUpdate(press(ALICE, up, privateChat(ALICE)));
    expect(callbackAnswers(b)).toEqual([WORDING.buttonExpired, WORDING.voteThanks.up]);
    expect(feedbackLines(b.dir)).toHaveLength(1);
  });

  it("are rate-limited per user: presses over the limit are neither recorded nor read", async () => {
    const b = setup();
    await b.bot.handleUpdate(text(ALICE, QUESTION));
    const { up, down } = voteButtons(b);
    for (let k = 0; k < 25; k++) await b.bot.handleUpdate(press(ALICE, k % 2 ? up : down, privateChat(ALICE)));
    const recorded = feedbackLines(b.dir).length;
    expect(recorded).toBe(b.bot.policy.options.votesPerMinute);
    expect(callbackAnswers(b).filter((t) => t === WORDING.voteRateLimited)).toHaveLength(1);
    // Another user is not affected.
    await b.bot.handleUpdate(text(BOB, QUESTION));
    await b.bot.handleUpdate(press(BOB, voteButtons(b).up, privateChat(BOB)));
    expect(feedbackLines(b.dir)).toHaveLength(recorded + 1);
  });
});
