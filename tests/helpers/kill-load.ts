/**
 * Load and kill (issue 12 §4): N users in private chats each ask M questions one after
 * another (waiting for each answer and a moment more, as a person does) of a bot in a
 * child process, through the Bot API emulator; every `killEveryMs` of running the bot
 * is killed with SIGKILL and started again on the same data folder. The kills follow a
 * clock, not the answers, so that they fall at any moment of an answer's life. Counts,
 * per kill, the questions in flight at that moment (see {@link KillOutcome}), and at the
 * end the questions never answered (lost) and the answers sent again for a question
 * already answered (resent), each counted against the last kill before it.
 * Loopback only; used by tests/restart-load.test.ts and `npm run bench:kill`.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnBotChild, type BotChild } from "./bot-child.ts";
import { countAnswers } from "./chat-load.ts";
import { startEmulator, testToken } from "./telegram-emulator.ts";

export interface KillLoadOptions {
  readonly users: number;
  readonly questionsPerUser: number;
  readonly kills: number;
  /** Question texts, dealt out round-robin; each is made unique per user and turn. */
  readonly questions: readonly string[];
  /** The real QA service, or the seed-backed fake taking `askDelayMs` per answer. */
  readonly service: "real" | "fake";
  readonly askDelayMs?: number;
  /** Every fsync of the bot takes this long more (a slow disk). */
  readonly slowFsyncMs?: number;
  /** A user's pause between an answer and the next question: user u waits thinkMs × (1 + u mod 4) / 4. */
  readonly thinkMs?: number;
  /** The bot is killed after running this long (after each start), `kills` times. */
  readonly killEveryMs: number;
  /** Give up on one answer after this long. */
  readonly replyTimeoutMs?: number;
}

export interface KillOutcome {
  /**
   * Questions asked and not known to the bot as answered when it was killed: not yet
   * answered, or answered and Telegram's confirmation not yet read. At most one per user.
   */
  readonly inFlight: number;
  /** Updates the restarted bot replayed from the ledger (taken by the killed one, not marked done). */
  readonly replayed: number;
  /** Answers sent again after this kill for questions answered before. */
  readonly resent: number;
}

export interface KillLoadResult {
  readonly users: number;
  readonly questions: number;
  readonly kills: readonly KillOutcome[];
  /** Questions never answered. */
  readonly lost: number;
  /** Answers beyond the first, over the whole run. */
  readonly resent: number;
  readonly wallMs: number;
  readonly errors: readonly string[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runKillLoad(o: KillLoadOptions): Promise<KillLoadResult> {
  const started = performance.now();
  const token = testToken(800 + Math.floor(Math.random() * 99));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-kill-"));
  const harness = await startEmulator();
  const counter = countAnswers(harness, token);
  const errors: string[] = [];
  const asked: { messageId: number }[] = [];
  const killTimes: number[] = [];
  const kills: { inFlight: number; replayed: number }[] = [];
  const env = {
    BOT_SERVICE: o.service,
    FAKE_ASK_DELAY_MS: String(o.askDelayMs ?? 0),
    SLOW_FSYNC_MS: String(o.slowFsyncMs ?? 0),
    RATE_LIMIT_PER_MINUTE: "100000",
  };
  const start = async () => {
    const child = spawnBotChild({ token, apiRoot: harness.gateway.apiRoot, dataDir, env });
    if (!(await child.ready(30_000))) throw new Error(`bot process did not start: ${child.stderr().slice(-1500)}`);
    return child;
  };
  let bot: BotChild = await start();
  // What the bot knew was answered: it logs "answered" (with the update id) once Telegram
  // confirmed the reply and the update is recorded as done; stderr is a pipe, written
  // synchronously, so a killed process's last lines are there. A replay of an update
  // recorded as done, or a copy of it let through, shows as answers sent again beyond
  // the questions in flight.
  const logs: string[] = [];
  const answeredIn = (t: string) => [...t.matchAll(/INFO answered \{"updateId":(\d+)/g)].map((m) => Number(m[1]));
  const answeredUpdates = () => new Set([...logs, bot.stderr()].flatMap(answeredIn));
  const updateIdOf = new Map<number, number>();
  let usersDone = false;
  const killer = (async () => {
    for (let k = 0; k < o.kills && !usersDone; k++) {
      await sleep(o.killEveryMs);
      // A kill is meant to land under load: on a slow machine the users can be between
      // questions at that moment (or near their last one), so wait until some question
      // is awaiting its answer.
      while (!usersDone && !asked.some((a) => (counter.answers.get(a.messageId)?.times.length ?? 0) === 0)) await sleep(5);
      if (usersDone) break;
      killTimes.push(performance.now());
      const askedBefore = asked.length;
      bot.kill("SIGKILL");
      await bot.exited;
      logs.push(bot.stderr());
      const known = answeredUpdates();
      for (const u of harness.server.storage.userMessages) updateIdOf.set(u.messageId, u.updateId);
      const kill = { inFlight: asked.slice(0, askedBefore).filter((a) => !known.has(updateIdOf.get(a.messageId)!)).length, replayed: 0 };
      kills.push(kill);
      bot = await start();
      kill.replayed = Number(/replaying updates an earlier run did not finish \{"updates":(\d+)\}/.exec(bot.stderr())?.[1] ?? 0);
    }
  })();
  try {
    await Promise.all(
      Array.from({ length: o.users }, async (_, u) => {
        const userId = 60_000 + u;
        const chat = harness.chat(token, { userId });
        // Users arrive one after another, not all in the same millisecond.
        await sleep(((o.thinkMs ?? 0) * u) / o.users);
        for (let k = 0; k < o.questionsPerUser; k++) {
          const question = `${o.questions[(u + k) % o.questions.length]!}（${u}-${k}）`;
          await chat.say(question);
          const messageId = harness.userMessageId(token, userId, question);
          if (messageId === undefined) {
            errors.push(`user ${u} q${k}: not found in the emulator`);
            continue;
          }
          asked.push({ messageId });
          if (!(await counter.answered(messageId, o.replyTimeoutMs ?? 60_000))) errors.push(`user ${u} q${k}: no answer`);
          await sleep(((o.thinkMs ?? 0) * (1 + (u % 4))) / 4);
        }
      }),
    );
    usersDone = true;
    await killer;
    // Answers sent again can arrive after the last user got the last answer; wait for them.
    await sleep(1_500);
    const perKill = kills.map((k) => ({ ...k, resent: 0 }));
    let resent = 0;
    let lost = 0;
    for (const a of asked) {
      const times = counter.answers.get(a.messageId)?.times ?? [];
      if (times.length === 0) lost++;
      for (const t of times.slice(1)) {
        resent++;
        const k = killTimes.filter((kt) => kt < t).length - 1;
        if (k >= 0) perKill[k]!.resent++;
      }
    }
    return { users: o.users, questions: asked.length, kills: perKill, lost, resent, wallMs: performance.now() - started, errors };
  } finally {
    counter.stop();
    bot.kill("SIGKILL");
    await bot.exited;
    await harness.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
