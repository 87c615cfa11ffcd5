/**
 * Load driver for benchmarks: N simulated users, each in a private chat, ask M questions
 * one after another (waiting for each answer, as a person would) through the Bot API
 * emulator, all users at once. Returns the reply latency of every question, how many
 * answers each question got (exactly one each, or the bot lost or duplicated work),
 * and errors. Starts and stops its own emulator and bot; loopback only.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { QaService } from "../../src/service/contract.ts";
import { emulatorSettings, startBotOnEmulator, startEmulator, testToken, type EmulatorHarness } from "./telegram-emulator.ts";

export interface ChatLoadOptions {
  readonly service: QaService;
  readonly users: number;
  readonly questionsPerUser: number;
  /** Questions are dealt out round-robin: user u's k-th question is questions[(u + k) % length]. */
  readonly questions: readonly string[];
  /** Give up on one answer after this long (counted as an error). */
  readonly replyTimeoutMs?: number;
  /** After the last answer, wait this long for late duplicates before counting. */
  readonly settleMs?: number;
  /** Extra environment for the bot's settings (e.g. RATE_LIMIT_PER_MINUTE). */
  readonly env?: Record<string, string>;
}

const LOAD_DEFAULTS = { replyTimeoutMs: 30_000, settleMs: 500 };

export interface QuestionOutcome {
  readonly user: number;
  readonly index: number;
  readonly question: string;
  /** Answers that replied to this question's message (1 = exactly once). */
  readonly answers: number;
  /** Time from sending to the first part of the answer; null when none came. */
  readonly latencyMs: number | null;
}

export interface ChatLoadResult {
  /** Latencies of the answered questions, in the order they were asked per user. */
  readonly latenciesMs: number[];
  readonly perQuestion: QuestionOutcome[];
  readonly errors: string[];
  readonly wallMs: number;
}

/** Runs the load and tears everything down again. */
export async function runChatLoad(options: ChatLoadOptions): Promise<ChatLoadResult> {
  const o = { ...LOAD_DEFAULTS, ...options };
  const token = testToken(900 + Math.floor(Math.random() * 99));
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "policybot-load-"));
  const harness = await startEmulator();
  const errors: string[] = [];
  const asked: { user: number; index: number; question: string; messageId: number; sentAt: number }[] = [];
  const counter = countAnswers(harness, token);
  const settings = emulatorSettings(harness, token, dataDir, {
    RATE_LIMIT_PER_MINUTE: String(Math.max(1000, o.questionsPerUser * 2)),
    ...o.env,
  });
  const started = performance.now();
  const { running } = await startBotOnEmulator(harness, o.service, settings);
  try {
    await Promise.all(
      Array.from({ length: o.users }, async (_, u) => {
        const userId = 50_000 + u;
        const chat = harness.chat(token, { userId });
        for (let k = 0; k < o.questionsPerUser; k++) {
          const question = o.questions[(u + k) % o.questions.length]!;
          const sentAt = performance.now();
          try {
            await chat.say(question);
          } catch (e) {
            errors.push(`user ${u} q${k}: send failed: ${(e as Error).message}`);
            continue;
          }
          const messageId = harness.userMessageId(token, userId, question);
          if (messageId === undefined) {
            errors.push(`user ${u} q${k}: message not found in the emulator`);
            continue;
          }
          asked.push({ user: u, index: k, question, messageId, sentAt });
          if (!(await counter.answered(messageId, o.replyTimeoutMs))) {
            errors.push(`user ${u} q${k}: no answer within ${o.replyTimeoutMs} ms`);
          }
        }
      }),
    );
    await new Promise((r) => setTimeout(r, o.settleMs));

    const perQuestion = asked.map((a): QuestionOutcome => {
      const got = counter.answers.get(a.messageId);
      return {
        user: a.user,
        index: a.index,
        question: a.question,
        answers: got?.times.length ?? 0,
        latencyMs: got ? got.times[0]! - a.sentAt : null,
      };
    });
    for (const q of perQuestion) if (q.answers > 1) errors.push(`user ${q.user} q${q.index}: answered ${q.answers} times`);
    return {
      latenciesMs: perQuestion.map((q) => q.latencyMs).filter((x): x is number => x !== null),
      perQuestion,
      errors,
      wallMs: performance.now() - started,
    };
  } finally {
    counter.stop();
    await running.stop();
    await harness.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Answers per question message id, as the emulator stores them (a reply names the message it answers). */
export interface AnswerCounter {
  /** Arrival times (performance.now()) of every answer to each question message. */
  readonly answers: Map<number, { times: number[] }>;
  /** Resolves true once `messageId` has an answer, false after `timeoutMs`. */
  answered(messageId: number, timeoutMs: number): Promise<boolean>;
  stop(): void;
}

/** Counts the first parts of the bot's answers (those that reply to a question) for `token`. */
export function countAnswers(harness: EmulatorHarness, token: string): AnswerCounter {
  const answers = new Map<number, { times: number[] }>();
  const waiters = new Map<number, () => void>();
  let seen = 0;
  // The emulator emits the event synchronously as it stores the message.
  const onBotMessage = () => {
    const now = performance.now();
    const stored = harness.server.storage.botMessages;
    for (; seen < stored.length; seen++) {
      const m = stored[seen]!;
      const replyTo = (m.message as { reply_parameters?: { message_id?: number } }).reply_parameters?.message_id;
      if (m.botToken !== token || replyTo === undefined) continue;
      const id = Number(replyTo);
      const a = answers.get(id);
      if (a) a.times.push(now);
      else answers.set(id, { times: [now] });
      waiters.get(id)?.();
    }
  };
  harness.server.on("AddedBotMessage", onBotMessage);
  return {
    answers,
    answered: (messageId, timeoutMs) =>
      new Promise<boolean>((resolve) => {
        if (answers.has(messageId)) return resolve(true);
        const timer = setTimeout(() => {
          waiters.delete(messageId);
          resolve(false);
        }, timeoutMs);
        waiters.set(messageId, () => {
          clearTimeout(timer);
          waiters.delete(messageId);
          resolve(true);
        });
      }),
    stop: () => void harness.server.off("AddedBotMessage", onBotMessage),
  };
}
