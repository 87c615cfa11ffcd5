/**
 * Fetches updates for long polling, and never gives up while the bot runs, except when
 * it cannot run at all (issue 12 §3). grammY's runner stops on a 409 or a 401 and the
 * process then exited 0, so a `Restart=on-failure` unit left the bot dead; and its
 * retries (with auto-retry's) grew to an hour apart. Here:
 *
 * | getUpdates fails with | what happens |
 * | --- | --- |
 * | 401 Unauthorized | {@link TokenRejectedError}: the bot stops and the process exits 2 |
 * | 409 Conflict (another poller, or a webhook) | warning, retried on the schedule below |
 * | 429 Too Many Requests | waits `retry_after`, then retried |
 * | network error, 5xx, anything else | warning, retried on the schedule below |
 *
 * Schedule: `firstRetryMs`, doubled after each failure in a row, at most `maxRetryMs`
 * (1, 2, 4, 8, 16, 30, 30, … s by default), for as long as the failures last.
 */
import { GrammyError, type Bot, type Context } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../logging/logger.ts";

export const POLL_DEFAULTS = {
  /** Long-polling timeout asked of Telegram, seconds. */
  timeoutSeconds: 30,
  /** Pause after the first failure in a row. */
  firstRetryMs: 1_000,
  /** Longest pause between two attempts. */
  maxRetryMs: 30_000,
};

export type PollOptions = typeof POLL_DEFAULTS;

/** Telegram refused the bot token: nothing will work until it is replaced. */
export class TokenRejectedError extends Error {
  override readonly name = "TokenRejectedError";
  constructor(readonly description: string) {
    super(
      `Telegram refused the bot token (401 ${description}): it was revoked or mistyped. ` +
        "Get the current token from @BotFather (/token), set TELEGRAM_BOT_TOKEN and start again.",
    );
  }
}

/** The pause before attempt `failures + 1`, after `failures` failures in a row (1-based). */
export function retryDelayMs(failures: number, o: Pick<PollOptions, "firstRetryMs" | "maxRetryMs">): number {
  return Math.min(o.maxRetryMs, o.firstRetryMs * 2 ** Math.max(0, failures - 1));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      if (signal.aborted) reject(signal.reason);
      else resolve();
    }
  });
}

/**
 * A fetcher for the runner's source: each call returns the next batch (confirming the
 * one before by its offset), retrying failures as the table above says.
 * @throws {TokenRejectedError} on a 401; the signal's reason when aborted.
 */
export function createPoller(
  bot: Bot<Context>,
  logger: Logger,
  options: PollOptions,
): (batchSize: number, signal: AbortSignal) => Promise<Update[]> {
  let offset = 0;
  return async (batchSize, signal) => {
    let failures = 0;
    for (;;) {
      try {
        const args = { offset, limit: Math.max(1, Math.min(batchSize, 100)), timeout: options.timeoutSeconds };
        // grammY types its signal with a polyfill's AbortSignal; at run time it is Node's.
        const updates = await bot.api.getUpdates(args, signal as Parameters<typeof bot.api.getUpdates>[1]);
        if (failures > 0) logger.info("polling again", { afterFailures: failures });
        const last = updates.at(-1);
        if (last) offset = last.update_id + 1;
        return updates;
      } catch (e) {
        if (signal.aborted) throw e;
        failures++;
        const code = e instanceof GrammyError ? e.error_code : undefined;
        if (code === 401) throw new TokenRejectedError((e as GrammyError).description);
        const retryAfter = e instanceof GrammyError ? e.parameters.retry_after : undefined;
        const retryInMs = retryAfter !== undefined ? retryAfter * 1000 : retryDelayMs(failures, options);
        if (code === 409) {
          logger.warn("another process is taking this bot's updates (409 Conflict: a second bot with this token, or a webhook); retrying", {
            retryInMs,
            failures,
          });
        } else {
          logger.warn("could not fetch updates; retrying", { retryInMs, failures, error: e });
        }
        await pause(retryInMs, signal);
      }
    }
  };
}
