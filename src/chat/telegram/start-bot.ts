/**
 * Runs the bot: long polling with grammY's runner by default, or a webhook server
 * (node:http, secret header checked on every request) when settings.telegram.webhookUrl
 * is set. Shutdown (stop(), or SIGTERM/SIGINT) stops taking updates, waits for the
 * answers under way, and confirms handled updates so Telegram does not send them again.
 * Before taking updates it takes the data folder's lock (one bot process per folder),
 * and replays the updates an earlier run received but did not finish (see
 * update-ledger.ts), dropping copies of those it did finish.
 *
 * What ends the bot, and the exit code its process should have (EXIT_CODES): a stop asked
 * for (0); a token Telegram refuses, at start or while polling (2, as for malformed
 * settings: restarting does not help); the data folder locked by a running bot, or a
 * webhook Telegram does not accept (1). What it survives: a 409 (another poller),
 * network errors and 5xx, for as long as they last (poll-updates.ts).
 */
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { GrammyError, webhookCallback, type BotError, type Context } from "grammy";
import type { Update } from "grammy/types";
import { createConcurrentSink, createRunner, createSource, type RunnerHandle } from "@grammyjs/runner";
import { Redactor } from "../../logging/redact.ts";
import { acquirePidLock, LockHeldError, type PidLock } from "../../util/pid-lock.ts";
import { registerProfile } from "./bot-profile.ts";
import type { PolicyBot } from "./create-bot.ts";
import { FileSessionStorage } from "./file-session-storage.ts";
import { createPoller, POLL_DEFAULTS, TokenRejectedError } from "./poll-updates.ts";

/** Options of startBot; defaults in {@link START_DEFAULTS}. */
export interface StartBotOptions {
  /** Stop on SIGTERM/SIGINT. Tests turn this off. */
  readonly handleSignals?: boolean;
  /** How long shutdown waits for answers under way. */
  readonly drainTimeoutMs?: number;
  /** Long-polling timeout asked of Telegram. */
  readonly pollTimeoutSeconds?: number;
  /** Pause after the first failed getUpdates in a row; doubled after each further failure… */
  readonly pollFirstRetryMs?: number;
  /** …up to this. */
  readonly pollMaxRetryMs?: number;
  /** Webhook requests are acknowledged after this long even if the answer is still being worked on. */
  readonly webhookAckMs?: number;
  /** Address the webhook server listens on. */
  readonly webhookHost?: string;
}

export const START_DEFAULTS: Required<StartBotOptions> = {
  handleSignals: true,
  drainTimeoutMs: 30_000,
  pollTimeoutSeconds: POLL_DEFAULTS.timeoutSeconds,
  pollFirstRetryMs: POLL_DEFAULTS.firstRetryMs,
  pollMaxRetryMs: POLL_DEFAULTS.maxRetryMs,
  webhookAckMs: 8_000,
  webhookHost: "0.0.0.0",
};

/** The lock file in the data folder, holding the running bot's pid. */
export const LOCK_FILE = "bot.lock";

/** Exit codes of a bot process: 2 for what only a change of settings fixes (as for malformed settings). */
export const EXIT_CODES = { stopped: 0, failed: 1, settings: 2 } as const;

/** The bot cannot start; the message says why and what to do (it holds no secret). */
export class BotStartError extends Error {
  override readonly name = "BotStartError";
  constructor(
    message: string,
    /** The exit code the process should end with (see {@link EXIT_CODES}). */
    readonly exitCode: number = EXIT_CODES.failed,
  ) {
    super(message);
  }
}

/** Why the bot stopped, and the exit code its process should end with. */
export interface StopOutcome {
  readonly exitCode: number;
  /** What went wrong, when exitCode is not 0. */
  readonly reason?: string;
}

/** A started bot. */
export interface RunningBot {
  readonly mode: "polling" | "webhook";
  /** The webhook server's port (webhook mode only), useful when 0 was asked for. */
  readonly port?: number;
  /** Stops taking updates, finishes the answers under way; resolves once done. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the bot has stopped, for whatever reason. */
  readonly stopped: Promise<StopOutcome>;
}

/**
 * Hands the updates an earlier run left unfinished to the bot again, and lets the
 * duplicate filter know those it finished. The replays are not awaited: they are
 * tracked in flight like any update, and later updates of the same chat queue behind
 * them (sequentialize), so the order within a chat holds.
 */
async function replayUnfinished(bot: PolicyBot): Promise<void> {
  const { ledger, seenUpdates, logger } = bot.policy;
  const { unfinished, done } = await ledger.recover(bot.botInfo.id);
  seenUpdates.remember(done);
  if (unfinished.length === 0) return;
  logger.info("replaying updates an earlier run did not finish", { updates: unfinished.length });
  for (const update of unfinished) {
    // handleUpdate rejects with a BotError, as it does under the runner.
    void bot
      .handleUpdate(update)
      .catch((e: BotError<Context>) => bot.errorHandler(e))
      .catch((e: unknown) => logger.error("replayed update failed", { updateId: update.update_id, error: e }));
  }
}

/** Removes expired conversation sessions from disk (they hold question text). */
async function pruneSessions(bot: PolicyBot): Promise<void> {
  const { sessionStorage, options, logger } = bot.policy;
  if (!(sessionStorage instanceof FileSessionStorage)) return;
  const removed = await sessionStorage.prune(options.sessionTtlMs).catch((e: unknown) => {
    logger.warn("could not remove expired conversation sessions", { error: e });
    return 0;
  });
  if (removed > 0) logger.info("removed expired conversation sessions", { sessions: removed });
}

/** The data folder's lock, or a BotStartError naming the process that holds it. */
function lockDataFolder(bot: PolicyBot): PidLock {
  const { settings, logger } = bot.policy;
  try {
    const lock = acquirePidLock(path.join(settings.dataDir, LOCK_FILE));
    if (lock.tookOverFrom !== undefined) {
      logger.warn(`took over the data folder's lock from process ${lock.tookOverFrom}, which is not running (it was killed or crashed)`);
    }
    return lock;
  } catch (e) {
    if (e instanceof LockHeldError) {
      throw new BotStartError(`Another bot process works on this data folder: ${e.message} Each bot needs its own POLICYBOT_DATA_DIR.`);
    }
    throw e;
  }
}

/** getMe; a refused token becomes a BotStartError that says what to do. */
async function init(bot: PolicyBot): Promise<void> {
  try {
    await bot.init();
  } catch (e) {
    if (e instanceof GrammyError && e.error_code === 401) {
      throw new BotStartError(new TokenRejectedError(e.description).message, EXIT_CODES.settings);
    }
    throw e;
  }
}

/**
 * Starts the bot in the mode the settings ask for.
 * @throws {BotStartError} when the data folder is locked by a running bot, Telegram
 * refuses the token, or the webhook cannot be set.
 */
export async function startBot(bot: PolicyBot, options: StartBotOptions = {}): Promise<RunningBot> {
  const o = { ...START_DEFAULTS, ...options };
  const { logger, settings, inFlight, ledger, journal } = bot.policy;
  fs.mkdirSync(settings.dataDir, { recursive: true });
  const lock = lockDataFolder(bot);
  let resolveStopped!: (outcome: StopOutcome) => void;
  const stopped = new Promise<StopOutcome>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info("shutting down", { signal });
    void running.stop();
  };

  const finish = async (stopIntake: () => Promise<void>, outcome: StopOutcome) => {
    if (o.handleSignals) {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
    await stopIntake();
    const pending = inFlight.size;
    const drained = await inFlight.drain(o.drainTimeoutMs);
    await Promise.all([ledger.flushed(), journal.close()]).catch((e: unknown) =>
      logger.error("could not flush the data folder", { error: e }),
    );
    lock.release();
    logger.info("stopped", { finishedInFlight: pending, drained, exitCode: outcome.exitCode });
    resolveStopped(outcome);
  };
  const end: Finish = (stopIntake, outcome = { exitCode: EXIT_CODES.stopped }) => (stopping ??= finish(stopIntake, outcome));

  let running: RunningBot;
  try {
    await init(bot);
    await registerProfile(bot.api, settings, logger);
    await journal.load();
    await pruneSessions(bot);
    await replayUnfinished(bot);
    running = settings.telegram.webhookUrl ? await startWebhook(bot, o, end, stopped) : await startPolling(bot, o, end, stopped);
  } catch (e) {
    lock.release();
    throw e;
  }
  if (o.handleSignals) {
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }
  logger.info("bot started", { mode: running.mode, username: bot.botInfo.username });
  return running;
}

type Finish = (stopIntake: () => Promise<void>, outcome?: StopOutcome) => Promise<void>;

type Start = (bot: PolicyBot, o: Required<StartBotOptions>, finish: Finish, stopped: Promise<StopOutcome>) => Promise<RunningBot>;

const startPolling: Start = async (bot, o, finish, stopped) => {
  const { logger, inFlight } = bot.policy;
  // A webhook left over from an earlier run would make getUpdates fail with 409.
  await bot.api.deleteWebhook().catch((e: unknown) => logger.warn("could not delete the webhook", { error: e }));
  const handle = runDurably(bot, o);

  const stopIntake = async () => {
    await handle.stop();
    // The runner confirms a batch only by fetching the next one; confirm the last one
    // so a restart does not answer the same messages again.
    if (inFlight.lastUpdateId !== undefined) {
      await bot.api
        .getUpdates({ offset: inFlight.lastUpdateId + 1, limit: 1, timeout: 0 })
        .catch((e: unknown) => logger.warn("could not confirm the last updates", { error: e }));
    }
  };
  void handle.task()?.catch((e: unknown) => {
    const reason = e instanceof Error ? e.message : String(e);
    logger.error(e instanceof TokenRejectedError ? reason : "polling stopped after an unrecoverable error", { error: e });
    void finish(stopIntake, { exitCode: e instanceof TokenRejectedError ? EXIT_CODES.settings : EXIT_CODES.failed, reason });
  });
  return { mode: "polling", stop: () => finish(stopIntake), stopped };
};

/**
 * grammY's run(), except that each batch is in the update ledger before it is handed
 * on, and getUpdates failures are retried as poll-updates.ts says. The runner confirms a
 * batch to Telegram by fetching the next one, which it does while the batch is still
 * being handled; a batch confirmed before it was on disk would be lost to a crash in between.
 */
function runDurably(bot: PolicyBot, o: Required<StartBotOptions>): RunnerHandle {
  const { ledger, logger, seenUpdates } = bot.policy;
  const fetchUpdates = createPoller(bot, logger, {
    timeoutSeconds: o.pollTimeoutSeconds,
    firstRetryMs: o.pollFirstRetryMs,
    maxRetryMs: o.pollMaxRetryMs,
  });
  const source = createSource<Update>({
    supply: async (batchSize, signal) => {
      const updates = await fetchUpdates(batchSize, signal as unknown as AbortSignal);
      // A copy of an update already taken is dropped by the duplicate filter; recorded,
      // it would look unfinished and be replayed after a restart.
      await ledger
        .received(updates.filter((u) => !seenUpdates.has(u)), bot.botInfo.id)
        .catch((e: unknown) => logger.error("could not record updates; handling them anyway", { error: e }));
      return updates;
    },
  });
  const sink = createConcurrentSink<Update, BotError<Context>>({ consume: (update) => bot.handleUpdate(update) }, async (error) => {
    try {
      await bot.errorHandler(error);
    } catch (e) {
      logger.error("the error handler failed", { error: e });
    }
  });
  const runner = createRunner(source, sink);
  runner.start();
  return runner;
}

/**
 * Registers the webhook. Its failure is reported by method, code and Telegram's
 * description only: the GrammyError also carries the payload, with secret_token in it,
 * which an uncaught error would print (issue 12 §6).
 */
async function setWebhook(bot: PolicyBot, url: URL, secretToken: string): Promise<void> {
  try {
    await bot.api.setWebhook(url.href, { secret_token: secretToken });
  } catch (e) {
    const { logger, settings } = bot.policy;
    const why = e instanceof GrammyError ? `${e.error_code}: ${e.description}` : e instanceof Error ? e.message : String(e);
    const message = new Redactor([secretToken]).text(
      `Telegram did not accept the webhook ${url.origin}${url.pathname} (${why}). ` +
        "Check WEBHOOK_URL: a public https URL Telegram can reach.",
    );
    logger.error("setWebhook failed", { webhookPort: settings.telegram.webhookPort });
    throw new BotStartError(message);
  }
}

const startWebhook: Start = async (bot, o, finish, stopped) => {
  const { logger, settings } = bot.policy;
  const url = new URL(settings.telegram.webhookUrl!);
  const secretToken = settings.telegram.webhookSecret!;
  const callback = webhookCallback(bot, "http", {
    secretToken,
    onTimeout: "return",
    timeoutMilliseconds: o.webhookAckMs,
  });
  let closing = false;
  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "POST" || pathname !== url.pathname) {
      res.writeHead(404).end();
      return;
    }
    if (closing) {
      // Telegram keeps the update and sends it again later.
      res.writeHead(503).end();
      return;
    }
    callback(req, res).catch((e: unknown) => {
      logger.error("webhook request failed", { error: e });
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(settings.telegram.webhookPort, o.webhookHost, () => resolve());
  });
  const stopIntake = async () => {
    closing = true;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  };
  try {
    await setWebhook(bot, url, secretToken);
  } catch (e) {
    await stopIntake();
    throw e;
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : settings.telegram.webhookPort;
  return { mode: "webhook", port, stop: () => finish(stopIntake), stopped };
};
