/**
 * Fault tolerance of the Telegram bot: dropped connections, 5xx bursts, an update
 * delivered twice, and restarts in the middle of a conversation (SIGKILL, and SIGTERM
 * with answers outliving the drain), against the telegram-test-api emulator behind the
 * recording gateway, which gives getUpdates Telegram's confirm-by-offset rule. Every
 * question must be answered exactly once: replies are counted per question in the
 * emulator (a reply names the message it answers). Plus the update ledger and the
 * duplicate filter as units.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Update } from "grammy/types";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { createLogger } from "../src/logging/logger.ts";
import { Redactor } from "../src/logging/redact.ts";
import { dedupeUpdates, SeenUpdates, updateKeys } from "../src/chat/telegram/dedupe-updates.ts";
import { POLL_DEFAULTS } from "../src/chat/telegram/poll-updates.ts";
import { LEDGER_DEFAULTS, UpdateLedger } from "../src/chat/telegram/update-ledger.ts";
import { badGateway, type InjectedFailure } from "./helpers/bot-api-gateway.ts";
import { startBotChild } from "./helpers/bot-child.ts";
import { countingService } from "./helpers/chat-test-service.ts";
import { createFakeQaService } from "./helpers/fake-qa.ts";
import {
  capturingLogger,
  emulatorSettings,
  startBotOnEmulator,
  startEmulator,
  testToken,
  type EmulatorHarness,
} from "./helpers/telegram-emulator.ts";
import { tempDirs } from "./helpers/temp-dirs.ts";
import { sleep, until } from "./helpers/wait.ts";

const ALICE = 2001;
const BOB = 2002;
const CAROL = 2003;
const seeds = path.join(PROJECT_ROOT, "seeds");

const tempDir = tempDirs("faults");


const fakeService = () => countingService(createFakeQaService(seeds));

/** The bot's messages in one chat, as the emulator stored them. */
function botMessages(h: EmulatorHarness, token: string, chatId?: number) {
  return h.server.storage.botMessages
    .filter((m) => m.botToken === token)
    .map((m) => m.message as unknown as { chat_id: number | string; text?: string; reply_parameters?: { message_id?: number } })
    .filter((m) => chatId === undefined || Number(m.chat_id) === chatId);
}

/** How many bot messages answer the user message `text` in `chatId`. */
function answersTo(h: EmulatorHarness, token: string, chatId: number, text: string): number {
  const id = h.userMessageId(token, chatId, text);
  if (id === undefined) throw new Error(`no user message "${text}" in chat ${chatId}`);
  return botMessages(h, token, chatId).filter((m) => Number(m.reply_parameters?.message_id) === id).length;
}

function updateIdOf(h: EmulatorHarness, token: string, chatId: number, text: string): number {
  const u = h.server.storage.userMessages.find(
    (m) => m.botToken === token && "message" in m && m.message.chat.id === chatId && m.message.text === text,
  );
  if (!u) throw new Error(`no update for "${text}"`);
  return u.updateId;
}

/** Ids with a "received" line in the ledger file. */
function ledgerReceived(dataDir: string): number[] {
  const file = path.join(dataDir, LEDGER_DEFAULTS.file);
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, "utf8")
    .split("\n")
    .flatMap((l) => {
      try {
        const line = JSON.parse(l) as { state: string; id: number };
        return line.state === "received" ? [line.id] : [];
      } catch {
        return []; // being written
      }
    });
}

/**
 * Waits until every (chat, question) has an answer, then a little longer for strays, and
 * checks each got exactly one, the bot sent nothing else, and each reached the service once.
 */
async function expectEachAnsweredOnce(
  h: EmulatorHarness,
  token: string,
  svc: ReturnType<typeof fakeService>,
  asked: readonly [number, string][],
  timeoutMs?: number,
): Promise<void> {
  await until(() => asked.every(([who, q]) => answersTo(h, token, who, q) >= 1), "every answer", timeoutMs);
  await sleep(400);
  for (const [who, q] of asked) expect(answersTo(h, token, who, q), q).toBe(1);
  expect(botMessages(h, token)).toHaveLength(asked.length);
  expect([...svc.asked].sort()).toEqual(asked.map(([, q]) => q).sort());
}

const serviceUnavailable = (): InjectedFailure => ({
  status: 503,
  body: { ok: false, error_code: 503, description: "Service Unavailable" },
});

// Each test has its own emulator, so failures injected for one cannot reach another,
// and the retry pauses (auto-retry waits 3 s, then 6 s) overlap instead of adding up.
describe.concurrent("network faults on the Bot API emulator", () => {
  it("dropped connections on getUpdates and sendMessage: every question answered exactly once", async () => {
    const h = await startEmulator();
    const token = testToken(101);
    const svc = fakeService();
    const b = await startBotOnEmulator(h, svc, emulatorSettings(h, token, tempDir("drop")));
    try {
      // The next getUpdates and the first two replies lose their connection before
      // reaching the emulator; grammY sees an HttpError and auto-retry repeats the call.
      h.gateway.dropNext("getUpdates", 1);
      h.gateway.dropNext("sendMessage", 2);
      const asked: [number, string][] = [
        [ALICE, "公办职校绩效工资最高能到基准线的几倍"],
        [ALICE, "职业院校绩效工资怎么定的"],
        [BOB, "技校一年学费收多少？"],
      ];
      for (const [who, q] of asked) await h.chat(token, { userId: who }).say(q);
      await expectEachAnsweredOnce(h, token, svc, asked);
      // The drops happened and never reached the emulator.
      const polls = h.gateway.callsOf("getUpdates").filter((c) => c.token === token);
      const dropped = polls.findIndex((c) => c.dropped);
      expect(polls.filter((c) => c.dropped)).toHaveLength(1);
      // Repeated by the poller after its first pause (poll-updates.ts), not by the API retries.
      expect(polls[dropped + 1]!.at - polls[dropped]!.at).toBeGreaterThanOrEqual(POLL_DEFAULTS.firstRetryMs - 50);
      const sends = h.gateway.callsOf("sendMessage").filter((c) => c.token === token);
      expect(sends.filter((c) => c.dropped)).toHaveLength(2);
      expect(sends.filter((c) => c.status === 200)).toHaveLength(3);
      const failed = b.logLines.filter((l) => l.includes("Bot API request failed"));
      expect(failed.some((l) => l.includes('"method":"getUpdates"'))).toBe(true);
      expect(failed.filter((l) => l.includes('"method":"sendMessage"'))).toHaveLength(2);
    } finally {
      await b.running.stop();
      await h.close();
    }
  }, 40_000);

  it("5xx bursts on sendMessage and getUpdates: answered once each", async () => {
    const h = await startEmulator();
    const token = testToken(102);
    const svc = fakeService();
    const b = await startBotOnEmulator(h, svc, emulatorSettings(h, token, tempDir("5xx")));
    try {
      h.gateway.failNext("getUpdates", badGateway());
      h.gateway.failNext("sendMessage", badGateway(), 2);
      h.gateway.failNext("sendMessage", serviceUnavailable(), 1);
      const asked: [number, string][] = [
        [ALICE, "公办职校绩效工资最高能到基准线的几倍"],
        [BOB, "“一市一策”实施方案是哪些部门负责"],
        [CAROL, "技校一年学费收多少？"],
      ];
      await Promise.all(asked.map(([who, q]) => h.chat(token, { userId: who }).say(q)));
      await expectEachAnsweredOnce(h, token, svc, asked, 30_000);
      const statuses = h.gateway.callsOf("sendMessage").filter((c) => c.token === token).map((c) => c.status);
      expect(statuses.filter((s) => s >= 500).sort()).toEqual([502, 502, 503]);
      expect(statuses.filter((s) => s === 200)).toHaveLength(3);
      expect(h.gateway.callsOf("getUpdates").some((c) => c.token === token && c.status === 502)).toBe(true);
      expect(b.logLines.filter((l) => l.includes("Bot API call failed") && /"code":50[23]/.test(l)).length).toBeGreaterThanOrEqual(4);
    } finally {
      await b.running.stop();
      await h.close();
    }
  }, 40_000);

  it("the same update delivered twice (by getUpdates, by a webhook retry, after a restart) is answered once", async () => {
    const h = await startEmulator();
    const token = testToken(103);
    const dir = tempDir("dup");
    const svc = fakeService();
    const settings = emulatorSettings(h, token, dir);
    let b = await startBotOnEmulator(h, svc, settings);
    try {
      const alice = h.chat(token, { userId: ALICE });
      const q1 = "公办职校绩效工资最高能到基准线的几倍";
      await alice.say(q1);
      await alice.replies(1);
      const id1 = updateIdOf(h, token, ALICE, q1);
      // Telegram sends it again, e.g. after the confirming getUpdates was lost.
      h.gateway.redeliver(token, [id1]);
      await until(() => h.gateway.delivered(token).filter((u) => u.update_id === id1).length === 2, "the second delivery");
      await until(() => b.logLines.some((l) => l.includes("dropped a duplicate update") && l.includes(`"updateId":${id1}`)), "the drop");
      expect(await alice.collect(300)).toEqual([]);
      expect(svc.asked).toEqual([q1]);

      // Two copies handled at the same time, as when a webhook delivery is retried
      // while the first is still being answered.
      const q2 = "职业院校绩效工资怎么定的";
      const copy: Update = {
        update_id: 900_001,
        message: {
          message_id: 90_001, date: Math.floor(Date.now() / 1000), text: q2,
          chat: { id: ALICE, type: "private", first_name: "A" }, from: { id: ALICE, is_bot: false, first_name: "A" },
        },
      };
      await Promise.all([b.bot.handleUpdate(copy), b.bot.handleUpdate(structuredClone(copy))]);
      const [reply] = await alice.replies(1);
      expect(reply!.replyTo).toBe(90_001);
      expect(await alice.collect(300)).toEqual([]);
      expect(svc.asked).toEqual([q1, q2]);

      // A new process on the same data folder gets everything again from Telegram:
      // the ids the ledger marked done are dropped.
      await b.running.stop();
      const before = botMessages(h, token).length;
      h.gateway.redeliver(token);
      b = await startBotOnEmulator(h, svc, settings);
      await until(() => h.gateway.delivered(token).filter((u) => u.update_id === id1).length === 3, "the delivery after restart");
      await until(() => b.logLines.some((l) => l.includes("dropped a duplicate update")), "the drop after restart");
      expect(await alice.collect(300)).toEqual([]);
      expect(botMessages(h, token)).toHaveLength(before);
      expect(svc.asked).toEqual([q1, q2]);
      // …and the restarted bot still answers new questions.
      await alice.say("技校一年学费收多少？");
      await alice.replies(1);
      expect(svc.asked).toHaveLength(3);
    } finally {
      await b.running.stop();
      await h.close();
    }
  }, 40_000);
});

describe("restart in the middle of a conversation (bot in a child process)", () => {
  const HANG = "（慢）";
  const first = "公办职校绩效工资最高能到基准线的几倍";
  const bobs = "技校一年学费收多少？";
  const inFlight = `中职和普高的学籍能互转吗${HANG}`;
  const queued = ["职业院校绩效工资怎么定的", "“一市一策”实施方案是哪些部门负责"];

  it("SIGKILL with a question in flight and two queued: the next process answers each exactly once", async () => {
    const h = await startEmulator();
    const token = testToken(104);
    const dir = tempDir("kill");
    try {
      // What the ledger held whenever the bot confirmed updates to Telegram.
      const atConfirm: { offset: number; onDisk: number[] }[] = [];
      const unwatch = h.gateway.watch((c) => {
        if (c.method === "getUpdates" && c.token === token)
          atConfirm.push({ offset: Number(c.payload.offset ?? 0), onDisk: ledgerReceived(dir) });
      });
      const a = await startBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: dir, env: { FAKE_HANG_ON: HANG } });
      const alice = h.chat(token, { userId: ALICE });
      const bob = h.chat(token, { userId: BOB });
      await alice.say(first);
      await alice.replies(1);
      await bob.say(bobs);
      await bob.replies(1);
      await alice.say(inFlight);
      for (const q of queued) await alice.say(q);
      const ids = [inFlight, ...queued].map((q) => updateIdOf(h, token, ALICE, q));
      // Taken and confirmed to Telegram by the runner, which will not send them again.
      await until(() => h.gateway.confirmedOffset(token) > Math.max(...ids), "the confirmation");
      a.kill("SIGKILL");
      expect((await a.exited).signal).toBe("SIGKILL");
      unwatch();
      expect(botMessages(h, token)).toHaveLength(2);
      // No update was confirmed before it was on disk.
      const delivered = h.gateway.delivered(token).map((u) => u.update_id);
      expect(delivered).toHaveLength(5);
      for (const { offset, onDisk } of atConfirm) {
        expect(delivered.filter((id) => id < offset).every((id) => onDisk.includes(id)), `offset ${offset}`).toBe(true);
      }
      expect(atConfirm.some(({ offset }) => offset > Math.max(...ids))).toBe(true);

      // Telegram may also send everything again (as after network trouble); none of it
      // may be answered twice.
      h.gateway.redeliver(token);
      const b = await startBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: dir, env: { LOG_LEVEL: "debug" } });
      try {
        await until(() => [inFlight, ...queued].every((q) => answersTo(h, token, ALICE, q) >= 1), "the replayed answers");
        await until(() => (b.stderr().match(/dropped a duplicate update/g) ?? []).length >= 5, "the dropped copies");
        await sleep(400);
        for (const q of [first, inFlight, ...queued]) expect(answersTo(h, token, ALICE, q), q).toBe(1);
        expect(answersTo(h, token, BOB, bobs)).toBe(1);
        expect(botMessages(h, token)).toHaveLength(5);
        expect(b.stderr()).toMatch(/replaying updates an earlier run did not finish \{"updates":3\}/);
        // The in-flight question is answered before the ones queued behind it.
        const order = botMessages(h, token, ALICE).map((m) => Number(m.reply_parameters?.message_id));
        const expected = [first, inFlight, ...queued].map((q) => h.userMessageId(token, ALICE, q));
        expect(order).toEqual(expected);
        // The conversation goes on.
        await alice.say("公办职业院校绩效工资水平的上限是多少");
        await alice.replies(1);
      } finally {
        b.kill("SIGTERM");
        expect((await b.exited).code).toBe(0);
      }
    } finally {
      await h.close();
    }
  }, 45_000);

  it("SIGTERM with an answer outliving the drain: nothing is lost, nothing answered twice", async () => {
    const h = await startEmulator();
    const token = testToken(105);
    const dir = tempDir("term");
    try {
      const a = await startBotChild({
        token,
        apiRoot: h.gateway.apiRoot,
        dataDir: dir,
        env: { FAKE_HANG_ON: HANG, DRAIN_TIMEOUT_MS: "300" },
      });
      const alice = h.chat(token, { userId: ALICE });
      await alice.say(first);
      await alice.replies(1);
      await alice.say(inFlight);
      await alice.say(queued[0]!);
      const ids = [inFlight, queued[0]!].map((q) => updateIdOf(h, token, ALICE, q));
      await until(() => h.gateway.confirmedOffset(token) > Math.max(...ids), "the confirmation");
      a.kill("SIGTERM");
      const exit = await a.exited;
      expect(exit.code).toBe(0);
      expect(a.stdout()).toContain("stopped");
      expect(a.stderr()).toMatch(/"drained":false/);
      // Asked while no bot is running.
      await alice.say(queued[1]!);

      const b = await startBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: dir });
      try {
        await until(() => [inFlight, ...queued].every((q) => answersTo(h, token, ALICE, q) >= 1), "every answer");
        await sleep(400);
        for (const q of [first, inFlight, ...queued]) expect(answersTo(h, token, ALICE, q), q).toBe(1);
        expect(botMessages(h, token)).toHaveLength(4);
        expect(b.stderr()).toMatch(/replaying updates an earlier run did not finish \{"updates":2\}/);
      } finally {
        b.kill("SIGTERM");
        expect((await b.exited).code).toBe(0);
      }
    } finally {
      await h.close();
    }
  }, 45_000);
});

const silent = () => createLogger({ sink: () => {}, minLevel: "error" });

function textUpdate(id: number, text: string, chatId = ALICE): Update {
  return {
    update_id: id,
    message: {
      message_id: id + 10, date: 1_700_000_000, text,
      chat: { id: chatId, type: "private", first_name: "A" }, from: { id: chatId, is_bot: false, first_name: "A" },
    },
  } as Update;
}

const BOT = 666;
const ids = (done: readonly { id: number }[]) => done.map((d) => d.id);

describe("update ledger", () => {
  it("round trip: unfinished updates come back whole, done ids come back for the duplicate filter, once", async () => {
    const dir = tempDir("ledger");
    const a = new UpdateLedger(dir, silent());
    await a.load();
    const updates = [textUpdate(11, "第一问"), textUpdate(12, "第二问，含“引号”和\n换行"), textUpdate(13, "第三问")];
    await a.received(updates, BOT);
    await a.finished(textUpdate(11, ""), BOT);

    const b = new UpdateLedger(dir, silent());
    const got = await b.recover(BOT);
    expect(got.unfinished).toEqual(updates.slice(1));
    expect(ids(got.done)).toEqual([11]);
    expect(await b.recover(BOT)).toEqual({ unfinished: [], done: [], abandoned: [] });
    await b.finished(textUpdate(12, ""), BOT);

    const c = new UpdateLedger(dir, silent());
    const again = await c.recover(BOT);
    expect(again.unfinished.map((u) => u.update_id)).toEqual([13]);
    expect(ids(again.done)).toEqual([11, 12]);
  });

  it("an update whose reply is out is done on disk while its handler still runs, and is not marked done twice", async () => {
    const dir = tempDir("ledger");
    const ledger = new UpdateLedger(dir, silent());
    const update = textUpdate(21, "问");
    const doneLines = () =>
      fs
        .readFileSync(ledger.file, "utf8")
        .split("\n")
        .filter((l) => l.includes('"state":"done"'));
    let release!: () => void;
    const bookkeeping = new Promise<void>((r) => (release = r));
    let replied!: () => void;
    const out = new Promise<void>((r) => (replied = r));
    const handled = ledger.middleware()({ update, me: { id: BOT } } as never, async () => {
      await ledger.replied(update, BOT);
      replied();
      await bookkeeping; // the question log and the session, after the reply
    });
    await out;
    expect(doneLines()).toHaveLength(1);
    // A process killed now does not replay it.
    expect((await new UpdateLedger(dir, silent()).recover(BOT)).unfinished).toEqual([]);
    release();
    await handled;
    expect(doneLines()).toHaveLength(1);
  });

  it("never writes a secret: a token in an update is stored redacted, whole or in part", async () => {
    const dir = tempDir("ledger-secret");
    const token = testToken(106);
    const redactor = new Redactor([token]);
    const a = new UpdateLedger(dir, silent(), { redact: (r) => redactor.value(r) });
    await a.load();
    await a.received([textUpdate(41, `我的令牌是 ${token}，后半段 ${token.split(":")[1]}`)], BOT);
    const text = fs.readFileSync(a.file, "utf8");
    expect(text).not.toContain(token.split(":")[1]!);
    expect(text).toContain("我的令牌是 [redacted]，后半段 [redacted]");
  });

  it("hands over only this bot's updates: another bot's are neither replayed nor treated as copies", async () => {
    const dir = tempDir("ledger-bots");
    const { logger, lines } = capturingLogger();
    const a = new UpdateLedger(dir, silent());
    await a.received([textUpdate(1, "旧机器人答完的"), textUpdate(2, "旧机器人没答完的")], 111);
    await a.finished(textUpdate(1, ""), 111);
    const b = new UpdateLedger(dir, logger);
    const got = await b.recover(222);
    expect(got).toEqual({ unfinished: [], done: [], abandoned: [2] });
    expect(lines.some((l) => l.includes("not replaying updates another bot left unfinished"))).toBe(true);
    // The first bot, back again, still knows what it finished (and what the other gave up).
    expect(ids((await new UpdateLedger(dir, silent()).recover(111)).done)).toEqual([1, 2]);
  });

  it("forgets done updates after 24 hours, in what it hands over and in what a compaction keeps", async () => {
    const dir = tempDir("ledger-age");
    let now = 1_800_000_000_000;
    const clock = { now: () => now, compactAfterLines: 4 };
    const a = new UpdateLedger(dir, silent(), clock);
    await a.received([textUpdate(1, "一"), textUpdate(2, "二")], BOT);
    await a.finished(textUpdate(1, ""), BOT);
    now += 23 * 3600_000;
    await a.finished(textUpdate(2, ""), BOT);
    now += 2 * 3600_000;
    expect(ids((await new UpdateLedger(dir, silent(), clock).recover(BOT)).done)).toEqual([2]);
    // A compaction drops the one older than a day from the file too.
    const c = new UpdateLedger(dir, silent(), clock);
    for (const id of [3, 4, 5]) {
      await c.received([textUpdate(id, "新")], BOT);
      await c.finished(textUpdate(id, ""), BOT);
    }
    const kept = fs.readFileSync(c.file, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l) as { id: number });
    expect(kept.length).toBeLessThan(8);
    expect(kept.map((l) => l.id)).not.toContain(1);
  });

  it("gives up on an update after maxReplays runs that did not finish it", async () => {
    const dir = tempDir("ledger-poison");
    const first = new UpdateLedger(dir, silent(), { maxReplays: 2 });
    await first.load();
    await first.received([textUpdate(21, "让进程崩溃的问题")], BOT);
    const seen: number[][] = [];
    for (let run = 0; run < 3; run++) {
      const { unfinished, abandoned, done } = await new UpdateLedger(dir, silent(), { maxReplays: 2 }).recover(BOT);
      seen.push(unfinished.map((u) => u.update_id), [...abandoned], ids(done));
    }
    expect(seen).toEqual([[21], [], [], [21], [], [], [], [21], [21]]);
    const last = await new UpdateLedger(dir, silent(), { maxReplays: 2 }).recover(BOT);
    expect({ ...last, done: ids(last.done) }).toEqual({ unfinished: [], done: [21], abandoned: [] });
  });

  it("skips a line cut short by a crash, and the next line does not join it", async () => {
    const dir = tempDir("ledger-cut");
    const { logger, lines } = capturingLogger();
    const a = new UpdateLedger(dir, silent());
    await a.load();
    await a.received([textUpdate(31, "完整的一行")], BOT);
    await a.received([textUpdate(32, "另一行")], BOT);
    await a.finished(textUpdate(32, ""), BOT);
    const whole = JSON.stringify({ state: "received", id: 33, replays: 0, update: textUpdate(33, "写到一半") });
    fs.appendFileSync(a.file, whole.slice(0, whole.length - 17));

    const b = new UpdateLedger(dir, logger);
    const got = await b.recover(BOT);
    expect(got.unfinished.map((u) => u.update_id)).toEqual([31]);
    expect(ids(got.done)).toEqual([32]);
    expect(lines.some((l) => l.includes("skipped malformed update ledger lines") && l.includes('"lines":1'))).toBe(true);
    await b.received([textUpdate(34, "崩溃之后")], BOT);

    const c = await new UpdateLedger(dir, silent()).recover(BOT);
    expect(c.unfinished.map((u) => u.update_id)).toEqual([31, 34]);

    // A file that is garbage throughout is not fatal either.
    fs.writeFileSync(a.file, "\u0000\u0000{not json\n]]\n");
    expect(await new UpdateLedger(dir, silent()).recover(BOT)).toEqual({ unfinished: [], done: [], abandoned: [] });
  });

  it("compacts: the file stays small, keeps the unfinished updates and the last done ids, and drops old text", async () => {
    const dir = tempDir("ledger-compact");
    const options = { compactAfterLines: 20, keepDone: 5 };
    const a = new UpdateLedger(dir, silent(), options);
    await a.load();
    await a.received([textUpdate(1, "一直没答完的问题")], BOT);
    let maxLines = 0;
    for (let id = 2; id <= 200; id++) {
      await a.received([textUpdate(id, `问题${id}`)], BOT);
      await a.finished(textUpdate(id, ""), BOT);
      maxLines = Math.max(maxLines, fs.readFileSync(a.file, "utf8").split("\n").filter(Boolean).length);
    }
    expect(maxLines).toBeLessThanOrEqual(20);
    const text = fs.readFileSync(a.file, "utf8");
    expect(text).toContain("一直没答完的问题");
    expect(text).not.toContain("问题100");
    const got = await new UpdateLedger(dir, silent(), options).recover(BOT);
    expect(got.unfinished.map((u) => u.update_id)).toEqual([1]);
    expect(ids(got.done)).toEqual([196, 197, 198, 199, 200]);
  });

  it("property: after any sequence of arrivals, completions, cut-short writes and restarts, recover() matches a model", async () => {
    type Op = { kind: "receive" } | { kind: "finish"; pick: number } | { kind: "restart"; cut: number };
    const op: fc.Arbitrary<Op> = fc.oneof(
      { arbitrary: fc.constant({ kind: "receive" as const }), weight: 4 },
      { arbitrary: fc.record({ kind: fc.constant("finish" as const), pick: fc.nat() }), weight: 3 },
      { arbitrary: fc.record({ kind: fc.constant("restart" as const), cut: fc.nat() }), weight: 1 },
    );
    const options = { compactAfterLines: 8, keepDone: 4, maxReplays: 1_000 };
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-faults-prop-"));
        try {
          let ledger = new UpdateLedger(dir, silent(), options);
          await ledger.load();
          const unfinished = new Map<number, Update>();
          const doneOrder: number[] = [];
          let nextId = 1;
          for (const o of ops) {
            if (o.kind === "receive") {
              const u = textUpdate(nextId++, `问${nextId}`);
              await ledger.received([u], BOT);
              unfinished.set(u.update_id, u);
            } else if (o.kind === "finish" && unfinished.size > 0) {
              const id = [...unfinished.keys()][o.pick % unfinished.size]!;
              await ledger.finished(textUpdate(id, ""), BOT);
              unfinished.delete(id);
              doneOrder.push(id);
            } else if (o.kind === "restart") {
              // The process dies while writing a line it never confirmed.
              const line = JSON.stringify({ state: "received", id: 10_000, replays: 0, update: textUpdate(10_000, "没写完") });
              fs.appendFileSync(ledger.file, line.slice(0, o.cut % line.length));
              ledger = new UpdateLedger(dir, silent(), options);
              const got = await ledger.recover(BOT);
              expect(got.unfinished).toEqual([...unfinished.values()].sort((x, y) => x.update_id - y.update_id));
              expect([...ids(got.done)]).toEqual(doneOrder.slice(-options.keepDone));
            }
            if (fs.existsSync(ledger.file)) {
              const lines = fs.readFileSync(ledger.file, "utf8").split("\n").filter(Boolean).length;
              const live = unfinished.size + Math.min(doneOrder.length, options.keepDone);
              expect(lines).toBeLessThanOrEqual(Math.max(options.compactAfterLines, 2 * live));
            }
          }
        } finally {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      }),
      { seed: 20261123, numRuns: 40 },
    );
  });
});

describe("duplicate filter", () => {
  it("lets each update through once and forgets the oldest beyond its window", () => {
    const seen = new SeenUpdates({ window: 3 });
    const u = (id: number) => textUpdate(id, "问");
    expect([1, 2, 1, 3, 4].map((id) => seen.firstSight(u(id)))).toEqual([true, true, false, true, true]);
    expect(seen.size).toBe(3);
    expect(seen.has(u(1))).toBe(false);
    expect(seen.firstSight(u(2))).toBe(false);
    seen.remember([10, 11].map((id) => ({ id, key: updateKeys()(u(id)), at: Date.now() })));
    expect(seen.has(u(10)) && seen.has(u(11))).toBe(true);
  });

  it("an id used again for another update (ids restarted) is not a copy; neither is one seen more than 24 hours ago", () => {
    let now = 1_800_000_000_000;
    const seen = new SeenUpdates({ now: () => now });
    expect(seen.firstSight(textUpdate(1, "第一个服务器上的问题"))).toBe(true);
    // Same id, chat, sender, message id and second: only the text tells them apart.
    const otherMessage = textUpdate(1, "服务器重置后的新问题");
    expect(seen.firstSight(otherMessage)).toBe(true);
    expect(seen.firstSight(otherMessage)).toBe(false);
    now += 24 * 3600_000;
    expect(seen.firstSight(otherMessage)).toBe(true);
    // Remembered entries older than a day are not taken in at all.
    const fresh = new SeenUpdates({ now: () => now });
    fresh.remember([{ id: 7, key: updateKeys()(textUpdate(7, "")), at: now - 25 * 3600_000 }]);
    expect(fresh.size).toBe(0);
  });

  it("property: within the window, firstSight is true exactly for an update's first occurrence", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 200 }), (ids) => {
        const seen = new SeenUpdates({ window: 64 });
        const model = new Set<number>();
        for (const id of ids) {
          expect(seen.firstSight(textUpdate(id, "问"))).toBe(!model.has(id));
          model.add(id);
        }
      }),
      { seed: 20261123 },
    );
  });

  it("the middleware calls next once per update and logs the drop at debug", async () => {
    const { logger, lines } = capturingLogger();
    const mw = dedupeUpdates(new SeenUpdates(), logger);
    let handled = 0;
    const ctx = (id: number) => ({ update: textUpdate(id, "问") }) as never;
    for (const id of [5, 5, 6, 5]) await mw(ctx(id), async () => void handled++);
    expect(handled).toBe(2);
    expect(lines.filter((l) => l.includes("DEBUG dropped a duplicate update"))).toHaveLength(2);
  });
});
