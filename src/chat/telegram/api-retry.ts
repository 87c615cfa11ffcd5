/**
 * Retries of failed Bot API calls, bounded. Every call except getUpdates (whose retries
 * are the poller's, see poll-updates.ts):
 *
 * | failure | retried |
 * | --- | --- |
 * | 429 with `retry_after` ≤ maxDelaySeconds | after `retry_after`, up to maxAttempts times (@grammyjs/auto-retry) |
 * | 429 asking for longer | not: the call fails |
 * | 5xx | up to maxAttempts times, after 3, 6, 12, 24, 48 s (@grammyjs/auto-retry) |
 * | network error (no response) | up to maxAttempts times, after 3, 6, 12, 24, 48 s (here) |
 *
 * auto-retry alone retries network errors without a limit, its pause doubling up to an
 * hour; that is what the documentation did not say (issue 12 §3).
 */
import { HttpError, type Transformer } from "grammy";
import { autoRetry } from "@grammyjs/auto-retry";

export interface RetryOptions {
  readonly maxAttempts: number;
  readonly maxDelaySeconds: number;
}

/** auto-retry's first pause, doubled after each attempt. */
const FIRST_DELAY_SECONDS = 3;

function sleep(seconds: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error("Request aborted while waiting between retries"));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, seconds * 1000);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** Network errors: retried up to maxAttempts times, pauses doubling from 3 s. */
function retryNetworkErrors(o: RetryOptions): Transformer {
  return async (prev, method, payload, signal) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await prev(method, payload, signal);
      } catch (e) {
        if (!(e instanceof HttpError) || signal?.aborted || attempt >= o.maxAttempts) throw e;
        // grammY types its signal with a polyfill's AbortSignal; at run time it is Node's.
        await sleep(Math.min(o.maxDelaySeconds, FIRST_DELAY_SECONDS * 2 ** attempt), signal as AbortSignal | undefined);
      }
    }
  };
}

/** The transformers to install, innermost first; getUpdates passes through them untouched. */
export function apiRetries(o: RetryOptions): Transformer[] {
  const skipPolling = (t: Transformer): Transformer => (prev, method, payload, signal) =>
    method === "getUpdates" ? prev(method, payload, signal) : t(prev, method, payload, signal);
  return [
    skipPolling(retryNetworkErrors(o)),
    skipPolling(autoRetry({ maxRetryAttempts: o.maxAttempts, maxDelaySeconds: o.maxDelaySeconds, rethrowHttpErrors: true })),
  ];
}
