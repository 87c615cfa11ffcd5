/**
 * Counts updates and background jobs that are still being worked on, so that shutdown
 * can stop taking new updates and then wait for the answers already under way.
 */
import type { Context, MiddlewareFn } from "grammy";

export class InFlight {
  private active = 0;
  private waiters: (() => void)[] = [];
  /** Highest update id that reached the bot, to confirm it to Telegram on shutdown. */
  lastUpdateId: number | undefined;

  get size(): number {
    return this.active;
  }

  /** Runs `work` as one tracked job. */
  async track<T>(work: () => Promise<T>): Promise<T> {
    this.active++;
    try {
      return await work();
    } finally {
      this.active--;
      if (this.active === 0) this.waiters.splice(0).forEach((w) => w());
    }
  }

  /** Middleware that tracks each update from arrival (queued ones included) to completion. */
  middleware(): MiddlewareFn<Context> {
    return (ctx, next) => {
      const id = ctx.update.update_id;
      if (this.lastUpdateId === undefined || id > this.lastUpdateId) this.lastUpdateId = id;
      return this.track(next);
    };
  }

  /** Resolves true once nothing is in flight, or false when `timeoutMs` passes first. */
  drain(timeoutMs: number): Promise<boolean> {
    if (this.active === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.waiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }
}
