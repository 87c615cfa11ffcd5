/**
 * The bot stays up, and exits non-zero when it cannot run (issue 12 §3): a 409 on
 * getUpdates keeps it polling with a warning; network errors are retried for as long as
 * they last, on a bounded schedule; a 401 stops it with exit code 1 and a message; a
 * second process on the same data folder is refused at start (a stale lock is taken
 * over). And update ids that start again (a reset Bot API server on the same data
 * folder) are answered, not dropped as copies (issue 12 §4). Against the Bot API
 * emulator behind the recording gateway; bot processes as children where exit codes matter.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PROJECT_ROOT } from "../src/config/settings.ts";
import { EXIT_CODES } from "../src/chat/telegram/start-bot.ts";
import { WORDING } from "../src/wording/wording.ts";
import type { InjectedFailure } from "./helpers/bot-api-gateway.ts";
import { spawnBotChild, startBotChild } from "./helpers/bot-child.ts";
import { runStart } from "./helpers/run-start.ts";
import { countingService } from "./helpers/chat-test-service.ts";
import { createFakeQaService } from "./helpers/fake-qa.ts";
import { emulatorSettings, startBotOnEmulator, startEmulator, testToken } from "./helpers/telegram-emulator.ts";
import { tempDirs } from "./helpers/temp-dirs.ts";

const ALICE = 3001;
const seeds = path.join(PROJECT_ROOT, "seeds");
const LOCK_FILE = "bot.lock";

const tempDir = tempDirs("runtime");


const conflict = (): InjectedFailure => ({
  status: 409,
  body: {
    ok: false,
    error_code: 409,
    description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
  },
});
const unauthorized = (): InjectedFailure => ({ status: 401, body: { ok: false, error_code: 401, description: "Unauthorized" } });

describe.concurrent("polling failures", () => {
  it("409 Conflict on getUpdates (a second poller): warns, keeps polling, and answers", async () => {
    const h = await startEmulator();
    const token = testToken(301);
    const b = await startBotOnEmulator(h, createFakeQaService(seeds), emulatorSettings(h, token, tempDir("409")), {
      start: { pollFirstRetryMs: 20, pollMaxRetryMs: 40 },
    });
    let stopped = false;
    void b.running.stopped.then(() => (stopped = true));
    try {
      h.gateway.failNext("getUpdates", conflict(), 3);
      const alice = h.chat(token, { userId: ALICE });
      await alice.say("技校一年学费收多少？");
      await alice.replies(1, 10_000);
      expect(b.logLines.filter((l) => l.includes("WARN another process is taking this bot's updates (409"))).toHaveLength(3);
      expect(stopped).toBe(false);
    } finally {
      await b.running.stop();
      await h.close();
    }
  });

  it("network errors on getUpdates: retried for as long as they last, each pause double the last up to the cap", async () => {
    const h = await startEmulator();
    const token = testToken(302);
    const b = await startBotOnEmulator(h, createFakeQaService(seeds), emulatorSettings(h, token, tempDir("net")), {
      start: { pollFirstRetryMs: 20, pollMaxRetryMs: 80 },
    });
    try {
      h.gateway.dropNext("getUpdates", 6);
      const alice = h.chat(token, { userId: ALICE });
      await alice.say("技校一年学费收多少？");
      await alice.replies(1, 10_000);
      const pauses = b.logLines
        .filter((l) => l.includes("could not fetch updates; retrying"))
        .map((l) => Number(/"retryInMs":(\d+)/.exec(l)![1]));
      expect(pauses).toEqual([20, 40, 80, 80, 80, 80]);
      expect(b.logLines.some((l) => l.includes('polling again {"afterFailures":6}'))).toBe(true);
    } finally {
      await b.running.stop();
      await h.close();
    }
  });

  it("network errors on other calls: retried at most maxRetryAttempts times, then the user gets the apology", async () => {
    const h = await startEmulator();
    const token = testToken(309);
    const settings = emulatorSettings(h, token, tempDir("send"));
    const b = await startBotOnEmulator(h, createFakeQaService(seeds), settings, { bot: { maxRetryAttempts: 1 } });
    try {
      h.gateway.dropNext("sendMessage", 2);
      const alice = h.chat(token, { userId: ALICE });
      await alice.say("公办职校绩效工资最高能到基准线的几倍");
      const [reply] = await alice.replies(1, 15_000);
      expect(reply!.text).toBe(WORDING.failed);
      const sends = h.gateway.callsOf("sendMessage").filter((c) => c.token === token);
      expect(sends.map((c) => c.dropped === true)).toEqual([true, true, false]);
      // auto-retry's first pause, then no more.
      expect(sends[1]!.at - sends[0]!.at).toBeGreaterThanOrEqual(2_900);
      expect(b.logLines.some((l) => l.includes("update failed") && l.includes('"kind":"network"'))).toBe(true);
    } finally {
      await b.running.stop();
      await h.close();
    }
  });

  it("401 on getUpdates (token revoked while running): the process exits 2 and says what to do", async () => {
    const h = await startEmulator();
    const token = testToken(303);
    try {
      const child = await startBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: tempDir("401") });
      h.gateway.failNext("getUpdates", unauthorized());
      const exit = await child.exited;
      expect(exit.code).toBe(EXIT_CODES.settings);
      expect(child.stderr()).toMatch(/Telegram refused the bot token \(401 Unauthorized\).*TELEGRAM_BOT_TOKEN/);
      expect(child.stderr()).not.toContain(token.split(":")[1]!);
    } finally {
      await h.close();
    }
  });

  it("401 at start: `policybot start` exits 2 with the message, and no stack trace", async () => {
    const h = await startEmulator();
    const token = testToken(304);
    try {
      h.gateway.failNext("getMe", unauthorized());
      const dataDir = tempDir("401-start");
      const run = await runStart({ TELEGRAM_BOT_TOKEN: token, TELEGRAM_API_ROOT: h.gateway.apiRoot, POLICYBOT_DATA_DIR: dataDir });
      expect(run.code).toBe(EXIT_CODES.settings);
      expect(run.output).toMatch(/Telegram refused the bot token \(401 Unauthorized\).*TELEGRAM_BOT_TOKEN/);
      expect(run.output).not.toMatch(/\n\s+at /);
    } finally {
      await h.close();
    }
  });
});

describe("one process per data folder", () => {
  it("a second bot process on the same data folder is refused, naming the first one's pid; a stale lock is taken over", async () => {
    const h = await startEmulator();
    const token = testToken(305);
    const dir = tempDir("lock");
    try {
      const first = await startBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: dir });
      const second = spawnBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: dir });
      expect(await second.ready(20_000)).toBe(false);
      expect((await second.exited).code).toBe(1);
      expect(second.stderr()).toContain(`held by process ${first.pid}, which is running`);
      expect(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8").trim()).toBe(String(first.pid));
      // The first still answers.
      const alice = h.chat(token, { userId: ALICE });
      await alice.say("技校一年学费收多少？");
      await alice.replies(1);

      first.kill("SIGKILL");
      await first.exited;
      const third = await startBotChild({ token, apiRoot: h.gateway.apiRoot, dataDir: dir });
      try {
        expect(third.stderr()).toMatch(new RegExp(`took over the data folder's lock from process ${first.pid}, which is not running`));
        expect(fs.readFileSync(path.join(dir, LOCK_FILE), "utf8").trim()).toBe(String(third.pid));
      } finally {
        third.kill("SIGTERM");
        expect((await third.exited).code).toBe(0);
      }
      // A clean stop removes the lock.
      expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
    } finally {
      await h.close();
    }
  }, 60_000);

  it("in one process, a second bot on the same data folder is refused too", async () => {
    const h = await startEmulator();
    const dir = tempDir("lock-inproc");
    const a = await startBotOnEmulator(h, createFakeQaService(seeds), emulatorSettings(h, testToken(306), dir));
    try {
      await expect(startBotOnEmulator(h, createFakeQaService(seeds), emulatorSettings(h, testToken(307), dir))).rejects.toThrow(
        `held by process ${process.pid}`,
      );
    } finally {
      await a.running.stop();
      await h.close();
    }
  });
});

describe("update ids that start again", () => {
  it("a reset Bot API server on the same data folder: questions whose update ids were used before are answered", async () => {
    const token = testToken(308);
    const dir = tempDir("reset");
    const svc = countingService(createFakeQaService(seeds));
    const first = await startEmulator();
    let b = await startBotOnEmulator(first, svc, emulatorSettings(first, token, dir));
    await first.chat(token, { userId: ALICE }).say("技校一年学费收多少？");
    await first.chat(token, { userId: ALICE }).replies(1);
    await b.running.stop();
    await first.close();

    // A new server numbers its updates from 1 again.
    const second = await startEmulator();
    try {
      b = await startBotOnEmulator(second, svc, emulatorSettings(second, token, dir));
      const alice = second.chat(token, { userId: ALICE });
      await alice.say("职业院校绩效工资怎么定的");
      expect(second.server.storage.userMessages[0]!.updateId).toBe(1);
      const [reply] = await alice.replies(1);
      expect(reply!.text).toContain("来源");
      expect(svc.asked).toEqual(["技校一年学费收多少？", "职业院校绩效工资怎么定的"]);
    } finally {
      await b.running.stop();
      await second.close();
    }
  });
});


