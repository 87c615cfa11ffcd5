/**
 * Conversation context that survives restarts (issue 11 §4): the last turn per chat and
 * user lives in grammY session storage, expires after 30 minutes, is redacted, and
 * reaches the service with the next question after the bot is built again on the same
 * storage. The same behaviour runs against the default file storage and against a real
 * redis-server (started here on a free port) through @grammyjs/storage-redis, so the
 * sessions can move to Redis without touching the bot. Then through the Telegram
 * emulator with bot processes and the real service: a follow-up after a restart and
 * after a crash replay of the update ledger is answered about the item asked before.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { Redis } from "ioredis";
import { RedisAdapter } from "@grammyjs/storage-redis";
import { FileAdapter } from "@grammyjs/storage-file";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ConversationTurn } from "../src/answer/types.ts";
import type { AskOptions, QaService } from "../src/service/contract.ts";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { SESSION_DEFAULTS, type SessionStorage } from "../src/chat/telegram/conversation-session.ts";
import { FileSessionStorage } from "../src/chat/telegram/file-session-storage.ts";
import { silentLogger } from "../src/logging/logger.ts";
import { startBotChild } from "./helpers/bot-child.ts";
import { createFakeQaService } from "./helpers/fake-qa.ts";
import { message, recordingBot, text } from "./helpers/recording-bot.ts";
import { freePort, startEmulator, testToken } from "./helpers/telegram-emulator.ts";
import { tempDirs } from "./helpers/temp-dirs.ts";

const TOKEN = testToken(81);
const seeds = path.join(PROJECT_ROOT, "seeds");
const ALICE = 8101;
const BOB = 8102;
const GROUP = { id: -100881, type: "supergroup" as const, title: "教研群" };
const FIRST = "公办职校绩效工资最高能到基准线的几倍";
const FOLLOW_UP = "那谁负责？";

const tempDir = tempDirs("sessions");

/** The fake service, remembering the previous turn each question came with. */
function spyService(): QaService & { readonly seen: { question: string; previous: ConversationTurn | undefined }[] } {
  const inner = createFakeQaService(seeds);
  const seen: { question: string; previous: ConversationTurn | undefined }[] = [];
  return {
    ...inner,
    seen,
    ask: (question: string, options?: AskOptions) => {
      seen.push({ question, previous: options?.previous });
      return inner.ask(question, options);
    },
  };
}

/** A real redis-server on a free port, no persistence; stopped by its pid, also when it does not come up. */
async function startRedis(): Promise<{ port: number; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (e) => reject(new Error(`redis-server could not be started (apt-get install redis-server): ${e.message}`)));
  });
  const until = Date.now() + 15_000;
  for (;;) {
    // A fresh client per attempt, without retries of its own.
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => {});
    try {
      await probe.connect();
      if ((await probe.ping()) === "PONG") break;
    } catch {
      if (Date.now() > until) {
        await stop();
        throw new Error("redis-server did not answer");
      }
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      probe.disconnect();
    }
  }
  return { port, stop };
}

/** A place sessions live, and a way to build a new adapter over it (as a restarted bot does). */
interface Backend {
  readonly name: string;
  open(): SessionStorage;
  /** Everything stored, as text (to look for secrets). */
  raw(): Promise<string>;
  close(): Promise<void>;
}

function fileBackend(): Backend {
  const dir = tempDir("file");
  return {
    name: "file storage in the data folder",
    open: () => new FileSessionStorage(dir, silentLogger),
    raw: async () => fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f), "utf8")).join("\n"),
    close: async () => {},
  };
}

async function redisBackend(): Promise<Backend> {
  const server = await startRedis();
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis({ port: server.port, host: "127.0.0.1" });
    clients.push(c);
    return c;
  };
  const admin = client();
  return {
    name: "redis-server through @grammyjs/storage-redis",
    // Redis expires the keys itself too, so nothing piles up.
    open: () => new RedisAdapter({ instance: client(), ttl: SESSION_DEFAULTS.ttlMs / 1000 }),
    raw: async () => {
      const keys = await admin.keys("*");
      return (await Promise.all(keys.map((k) => admin.get(k)))).join("\n");
    },
    close: async () => {
      clients.forEach((c) => c.disconnect());
      await server.stop();
    },
  };
}

const backends: Backend[] = [];
beforeAll(async () => {
  backends.push(fileBackend(), await redisBackend());
});
afterAll(async () => {
  await Promise.all(backends.map((b) => b.close()));
});

describe.each([
  ["file storage in the data folder", 0],
  ["redis-server through @grammyjs/storage-redis", 1],
])("conversation sessions in %s", (_name, which) => {
  const backend = () => backends[which]!;
  const bot = (svc: QaService) => recordingBot(TOKEN, tempDir("bot"), svc, {}, { sessionStorage: backend().open() });

  it("a follow-up after the bot is built again on the same storage comes with the previous turn", async () => {
    const svc = spyService();
    await bot(svc).bot.handleUpdate(text(ALICE, FIRST));
    const first = await createFakeQaService(seeds).ask(FIRST);
    await bot(svc).bot.handleUpdate(text(ALICE, FOLLOW_UP));
    expect(svc.seen[0]!.previous).toBeUndefined();
    expect(svc.seen[1]!.previous, backend().name).toMatchObject({ question: FIRST, citations: first.turn.citations });
  });

  it("is kept per chat and user: another user, or the same user in another chat, starts afresh", async () => {
    const svc = spyService();
    const b = bot(svc);
    await b.bot.handleUpdate(text(ALICE + 10, FIRST));
    await b.bot.handleUpdate(text(BOB, FOLLOW_UP));
    const ask = { text: `/ask ${FOLLOW_UP}`, entities: [{ type: "bot_command", offset: 0, length: 4 }] };
    await b.bot.handleUpdate(message(GROUP, ALICE + 10, ask));
    await b.bot.handleUpdate(text(ALICE + 10, FOLLOW_UP));
    expect(svc.seen.map((s) => s.previous?.question)).toEqual([undefined, undefined, undefined, FIRST]);
  });

  it("forgets a turn 30 minutes after it was stored", async () => {
    const svc = spyService();
    const b = bot(svc);
    const t0 = Date.now();
    await b.bot.handleUpdate(text(ALICE + 20, FIRST));
    const now = vi.spyOn(Date, "now");
    try {
      now.mockReturnValue(t0 + SESSION_DEFAULTS.ttlMs - 60_000);
      await b.bot.handleUpdate(text(ALICE + 20, FOLLOW_UP));
      now.mockReturnValue(t0 + 2 * SESSION_DEFAULTS.ttlMs);
      await b.bot.handleUpdate(text(ALICE + 20, FOLLOW_UP));
    } finally {
      now.mockRestore();
    }
    expect(svc.seen.map((s) => s.previous?.question)).toEqual([undefined, FIRST, undefined]);
  });

  it("stores no secret a user pasted into a question", async () => {
    const key = "sk-proj-Pasted0000Key1111ForTests2222";
    await bot(spyService()).bot.handleUpdate(text(ALICE + 30, `${FIRST} 我的密钥是 ${key}，令牌 ${TOKEN}`));
    const stored = await backend().raw();
    expect(stored).toContain("[redacted]");
    expect(stored).not.toContain(key);
    expect(stored).not.toContain(TOKEN.split(":")[1]!);
  });
});

describe("the file storage against @grammyjs/storage-file", () => {
  it("a session file a crash cut short: storage-file throws on every read, this storage reads no session and goes on", async () => {
    const value = { __d: { turn: { question: FIRST, shape: "number", refused: false, citations: [], at: 1 } } };
    const theirDir = tempDir("storage-file");
    const theirs = new FileAdapter<typeof value>({ dirName: theirDir });
    await theirs.write("1:1", value);
    // Its layout: a folder named after the key's last two characters.
    const theirFile = path.join(theirDir, "1:1".slice(-2), "1:1.json");
    fs.writeFileSync(theirFile, fs.readFileSync(theirFile, "utf8").slice(0, 20));
    await expect(theirs.read("1:1")).rejects.toThrow(SyntaxError);

    const ours = new FileSessionStorage<typeof value>(tempDir("ours"), silentLogger);
    ours.write("1:1", value);
    expect(await ours.read("1:1")).toEqual(value);
    fs.writeFileSync(ours.fileOf("1:1"), JSON.stringify(value).slice(0, 20));
    expect(await ours.read("1:1")).toBeUndefined();
    ours.write("1:1", value);
    expect(await ours.read("1:1")).toEqual(value);
  });

  it("prunes sessions not written for longer than their life, and leftover temporary files", async () => {
    const dir = tempDir("prune");
    const s = new FileSessionStorage<object>(dir, silentLogger);
    s.write("-100:1", { a: 1 });
    s.write("2:2", { b: 2 });
    fs.writeFileSync(path.join(dir, "x.json.123.0.tmp"), "{");
    const old = new Date(Date.now() - 2 * SESSION_DEFAULTS.ttlMs);
    fs.utimesSync(s.fileOf("-100:1"), old, old);
    fs.utimesSync(path.join(dir, "x.json.123.0.tmp"), old, old);
    expect(await s.prune(SESSION_DEFAULTS.ttlMs)).toBe(2);
    expect(fs.readdirSync(dir)).toEqual([path.basename(s.fileOf("2:2"))]);
  });
});

describe("follow-ups through the Telegram emulator, across restarts (real service)", () => {
  it("after a restart and after a crash replay, 那谁负责 is answered about the item asked before", async () => {
    const h = await startEmulator();
    const token = testToken(82);
    const dir = tempDir("e2e");
    const env = { BOT_SERVICE: "real" };
    const sources = (m: { buttons: readonly { data?: string }[] }) => m.buttons.map((b) => b.data).filter((d) => d?.startsWith("src:"));
    try {
      const alice = h.chat(token, { userId: ALICE });
      const bob = h.chat(token, { userId: BOB });
      const a = await startBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: dir, env, readyTimeoutMs: 60_000 });
      await alice.say("任务清单第20项讲什么");
      expect(sources((await alice.replies(1, 15_000))[0]!)).toEqual(["src:004:20"]);
      await bob.say("任务清单第21项讲什么");
      expect(sources((await bob.replies(1, 15_000))[0]!)).toEqual(["src:004:21"]);
      a.kill("SIGTERM");
      expect((await a.exited).code).toBe(0);

      // A restart: the follow-up reaches the service with the turn the first process stored.
      const hanging = { ...env, FAKE_HANG_ON: "由谁负责" };
      const b = await startBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: dir, env: hanging, readyTimeoutMs: 60_000 });
      await alice.say(FOLLOW_UP);
      expect(sources((await alice.replies(1, 15_000))[0]!)).toEqual(["src:004:20"]);
      // A crash with Bob's follow-up under way: the next process replays it from the ledger, in context.
      await bob.say("那由谁负责？");
      await new Promise((r) => setTimeout(r, 1_000));
      b.kill("SIGKILL");
      await b.exited;
      expect(await bob.collect(0)).toEqual([]);
      const c = await startBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: dir, env, readyTimeoutMs: 60_000 });
      try {
        expect(sources((await bob.replies(1, 15_000))[0]!)).toEqual(["src:004:21"]);
        expect(c.stderr()).toMatch(/replaying updates an earlier run did not finish \{"updates":1\}/);
        // Without that context the same words are answered about something else.
        const carol = h.chat(token, { userId: BOB + 1 });
        await carol.say(FOLLOW_UP);
        expect(sources((await carol.replies(1, 15_000))[0]!)).not.toContain("src:004:20");
      } finally {
        c.kill("SIGTERM");
        await c.exited;
      }
    } finally {
      await h.close();
    }
  }, 120_000);
});


