/**
 * Builds the Telegram bot: one grammY Bot with bounded retries on the API (api-retry.ts),
 * per-chat sequential processing, and one Composer per feature installed below in a fixed order.
 */
import path from "node:path";
import { Bot, GrammyError, HttpError, type BotError, type Context } from "grammy";
import { sequentialize } from "@grammyjs/runner";
import type { QaService } from "../../service/contract.ts";
import { ConfigError, secretsOf, type Settings } from "../../config/settings.ts";
import type { Logger } from "../../logging/logger.ts";
import { Redactor } from "../../logging/redact.ts";
import { logApiFailures } from "./api-logging.ts";
import { apiRetries } from "./api-retry.ts";
import { conversationSession, SESSION_DEFAULTS } from "./conversation-session.ts";
import { dedupeUpdates, SeenUpdates, updateKeys } from "./dedupe-updates.ts";
import { BOT_DEFAULTS, type BotDeps, type CreateBotOptions } from "./deps.ts";
import { FileSessionStorage } from "./file-session-storage.ts";
import { InFlight } from "./in-flight.ts";
import { BotJournal } from "./journal.ts";
import { UpdateLedger } from "./update-ledger.ts";
import { WORDING } from "../../wording/wording.ts";
import { PageStore } from "./page-store.ts";
import { aboutFeature } from "./features/about.ts";
import { accessFeature } from "./features/access.ts";
import { adminFeature } from "./features/admin.ts";
import { askFeature } from "./features/ask.ts";
import { callbacksFeature } from "./features/callbacks.ts";
import { docsFeature } from "./features/docs.ts";
import { fallbackFeature } from "./features/fallback.ts";
import { greetingFeature } from "./features/greeting.ts";
import { helpFeature } from "./features/help.ts";
import { inlineFeature } from "./features/inline.ts";
import { itemFeature } from "./features/item.ts";
import { readMoreFeature } from "./features/read-more.ts";

/** The bot with what start and shutdown need: the in-flight tracker, the update ledger and the journals. */
export type PolicyBot = Bot<Context> & { readonly policy: BotDeps };

/**
 * The features, one Composer each, in the order they see an update: access first (a chat
 * not served stops there), the commands, then questions, the greeting and the fallback.
 */
const FEATURES = [
  accessFeature,
  helpFeature,
  docsFeature,
  itemFeature,
  aboutFeature,
  adminFeature,
  readMoreFeature,
  callbacksFeature,
  inlineFeature,
  askFeature,
  greetingFeature,
  fallbackFeature,
] as const;

/**
 * Creates the bot. Nothing is sent to Telegram until it is started (see startBot),
 * except by tests that call `handleUpdate` directly.
 * @throws {ConfigError} when no bot token is set.
 */
export function createBot(service: QaService, settings: Settings, logger: Logger, options: CreateBotOptions = {}): PolicyBot {
  const token = settings.telegram.token;
  if (!token) {
    throw new ConfigError(
      "TELEGRAM_BOT_TOKEN is not set: get a token from @BotFather and set it in the environment.",
      "TELEGRAM_BOT_TOKEN",
    );
  }
  logger.addSecrets(secretsOf(settings));
  // The same redaction as the logger's, for everything the bot writes to disk.
  const redactor = new Redactor(secretsOf(settings));
  const redact = <T>(record: T): T => redactor.value(record);
  const keyOf = updateKeys(redact);
  const { botInfo, sessionStorage, ...rest } = options;
  const tuned = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
  const deps: BotDeps = {
    service,
    settings,
    logger,
    journal: new BotJournal(settings.dataDir, logger, { redact }),
    inFlight: new InFlight(),
    seenUpdates: new SeenUpdates({ keyOf }),
    pages: new PageStore(),
    sessionStorage: sessionStorage ?? new FileSessionStorage(path.join(settings.dataDir, SESSION_DEFAULTS.dir), logger),
    ledger: new UpdateLedger(settings.dataDir, logger, { redact, keyOf }),
    options: { ...BOT_DEFAULTS, ...tuned },
  };

  const bot = new Bot<Context>(token, { botInfo, client: { apiRoot: settings.telegram.apiRoot } });
  // Installed first so it sits inside the retries and logs every failed attempt.
  bot.api.config.use(logApiFailures(logger));
  for (const retry of apiRetries({ maxAttempts: deps.options.maxRetryAttempts, maxDelaySeconds: deps.options.maxRetryDelaySeconds })) {
    bot.api.config.use(retry);
  }

  const onError = async (err: BotError<Context>) => {
    const ctx = err.ctx;
    const e = err.error;
    const kind = e instanceof GrammyError ? "telegram" : e instanceof HttpError ? "network" : "handler";
    logger.error("update failed", { updateId: ctx.update.update_id, kind, error: e });
    try {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: WORDING.failed });
      else if (ctx.message && ctx.chat) await ctx.reply(WORDING.failed);
    } catch (replyError) {
      logger.warn("could not tell the user about the failure", { error: replyError });
    }
  };
  bot.catch(onError);

  bot.use(deps.inFlight.middleware());
  bot.use(dedupeUpdates(deps.seenUpdates, logger));
  // Before sequentialize, so updates waiting behind a slow answer are on disk too.
  bot.use(deps.ledger.middleware());
  bot.use(sequentialize((ctx: Context) => ctx.chat?.id.toString()));
  // After sequentialize, so one chat's session is read and written one update at a time.
  bot.use(conversationSession(deps.sessionStorage, { ttlMs: deps.options.sessionTtlMs, logger, redact }));
  // The boundary handles failures the same way in polling and webhook mode (where an
  // escaped error would make Telegram deliver the update again).
  const app = bot.errorBoundary(onError);
  for (const feature of FEATURES) app.use(feature(deps));

  return Object.assign(bot, { policy: deps });
}
