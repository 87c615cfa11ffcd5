/**
 * An API transformer that logs failed Bot API calls (each attempt, so retries are
 * visible) through the redacting logger. Only the method and Telegram's description
 * are logged, never the payload or the request URL (which holds the token).
 */
import type { Transformer } from "grammy";
import type { Logger } from "../../logging/logger.ts";

export function logApiFailures(logger: Logger): Transformer {
  return async (prev, method, payload, signal) => {
    try {
      const res = await prev(method, payload, signal);
      if (!res.ok) {
        logger.warn("Bot API call failed", {
          method,
          code: res.error_code,
          description: res.description,
          retryAfter: res.parameters?.retry_after,
        });
      }
      return res;
    } catch (e) {
      if (!signal?.aborted) logger.warn("Bot API request failed", { method, error: e });
      throw e;
    }
  };
}
