/**
 * Runs the bot: long polling with grammY's runner by default, or a webhook server
 * (node:http, secret header checked on every request) when settings.telegram.webhookUrl
 * is set. Shutdown (stop(), or SIGTERM/SIGINT) stops taking updates, waits for the
 * answers under way, and confirms handled updates so Telegram does not send them again.
 * Before taking updates it replays those an earlier run received but did not finish
 * (see update-ledger.ts), and drops copies of those it did finish.
 */
import http from "node:http";
import { webhookCallback, type BotError, type Context } from "grammy";
import type { Update } from "grammy/types";
import { createConcurrentSink, createRunner, createSource, createUpdateFetcher, type RunnerHandle } from "@grammyjs/runner";
import { registerProfile } from "./bot-profile.ts";
import type { PolicyBot } from "./create-bot.ts";

/** Options of startBot; defaults in {@link START_DEFAULTS}. */
export interface StartBotOptions {
  /** Stop on SIGTERM/SIGINT. Tests turn this off. */
  readonly handleSignals?: boolean;
  /** How long shutdown waits for answers under way. */
  readonly drainTimeoutMs?: number;
  /** Long-polling timeout asked of Telegram. */
  readonly pollTimeoutSeconds?: number;
  /** Webhook requests are acknowledged after this long even if the answer is still being worked on. */
  readonly webhookAckMs?: number;
  /** Address the webhook server listens on. */
  readonly webhookHost?: string;
}

export const START_DEFAULTS: Required<StartBotOptions> = {
  handleSignals: true,
  drainTimeoutMs: 30_000,
  pollTimeoutSeconds: 30,
  webhookAckMs: 8_000,
  webhookHost: "0.0.0.0",
};

/** A started bot. */
export interface RunningBot {
  readonly mode: "polling" | "webhook";
  /** The webhook server's port (webhook mode only), useful when 0 was asked for. */
  readonly port?: number;
  /** Stops taking updates, finishes the answers under way; resolves once done. Idempotent. */
  stop(): Promise<void>;
  /** Resolves when the bot has stopped, for whatever reason. */
  readonly stopped: Promise<void>;
}

/**
 * Hands the updates an earlier run left unfinished to the bot again, and lets the
 * duplicate filter know the ids it finished. The replays are not awaited: they are
 * tracked in flight like any update, and later updates of the same chat queue behind
 * them (sequentialize), so the order within a chat holds.
 */
async function replayUnfinished(bot: PolicyBot): Promise<void> {
  const { ledger, seenUpdates, logger } = bot.policy;
  const { unfinished, doneIds } = await ledger.recover();
  seenUpdates.remember(doneIds);
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

/** Starts the bot in the mode the settings ask for. */
export async function startBot(bot: PolicyBot, options: StartBotOptions = {}): Promise<RunningBot> {
  const o = { ...START_DEFAULTS, ...options };
  const { logger, settings, inFlight } = bot.policy;
  await bot.init();
  await registerProfile(bot.api, bot.policy.settings, bot.policy.logger);
  await replayUnfinished(bot);

  let resolveStopped!: () => void;
  const stopped = new Promise<void>((r) => (resolveStopped = r));
  let stopping: Promise<void> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    logger.info("shutting down", { signal });
    void running.stop();
  };

  const finish = async (stopIntake: () => Promise<void>) => {
    if (o.handleSignals) {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
    }
    await stopIntake();
    const pending = inFlight.size;
    const drained = await inFlight.drain(o.drainTimeoutMs);
    logger.info("stopped", { finishedInFlight: pending, drained });
    resolveStopped();
  };

  let running: RunningBot;
  if (settings.telegram.webhookUrl) {
    running = await startWebhook(bot, o, (stopIntake) => (stopping ??= finish(stopIntake)), stopped);
  } else {
    running = await startPolling(bot, o, (stopIntake) => (stopping ??= finish(stopIntake)), stopped);
  }
  if (o.handleSignals) {
    process.once("SIGTERM", onSignal);
    process.once("SIGINT", onSignal);
  }
  logger.info("bot started", { mode: running.mode, username: bot.botInfo.username });
  return running;
}

type Finish = (stopIntake: () => Promise<void>) => Promise<void>;

async function startPolling(
  bot: PolicyBot,
  o: Required<StartBotOptions>,
  finish: Finish,
  stopped: Promise<void>,
): Promise<RunningBot> {
  const { logger, inFlight } = bot.policy;
  // A webhook left over from an earlier run would make getUpdates fail with 409.
  await bot.api.deleteWebhook().catch((e: unknown) => logger.warn("could not delete the webhook", { error: e }));
  const handle = runDurably(bot, o.pollTimeoutSeconds);

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
  const stop = () => finish(stopIntake);
  void handle.task()?.catch((e: unknown) => {
    logger.error("polling stopped after an unrecoverable error", { error: e });
    void stop();
  });
  return { mode: "polling", stop, stopped };
}

/**
 * grammY's run(), except that each batch is in the update ledger before it is handed
 * on. The runner confirms a batch to Telegram by fetching the next one, which it does
 * while the batch is still being handled; a batch confirmed before it was on disk would
 * be lost to a crash in between.
 */
function runDurably(bot: PolicyBot, pollTimeoutSeconds: number): RunnerHandle {
  const { ledger, logger, seenUpdates } = bot.policy;
  const fetchUpdates = createUpdateFetcher(bot, { fetch: { timeout: pollTimeoutSeconds }, silent: true });
  const source = createSource<Update>({
    supply: async (batchSize, signal) => {
      const updates = await fetchUpdates(batchSize, signal);
      // A copy of an update already taken is dropped by the duplicate filter; recorded,
      // it would look unfinished and be replayed after a restart.
      await ledger
        .received(updates.filter((u) => !seenUpdates.has(u.update_id)))
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

async function startWebhook(
  bot: PolicyBot,
  o: Required<StartBotOptions>,
  finish: Finish,
  stopped: Promise<void>,
): Promise<RunningBot> {
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
    const path = new URL(req.url ?? "/", "http://localhost").pathname;
    if (req.method !== "POST" || path !== url.pathname) {
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
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : settings.telegram.webhookPort;
  await bot.api.setWebhook(url.href, { secret_token: secretToken });

  const stopIntake = async () => {
    closing = true;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
    });
  };
  return { mode: "webhook", port, stop: () => finish(stopIntake), stopped };
}
