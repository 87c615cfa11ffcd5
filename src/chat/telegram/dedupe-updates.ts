/**
 * Drops an update whose update_id the bot has already taken. Telegram delivers an
 * update again when it did not see it confirmed (network trouble, a restart before the
 * next getUpdates, a webhook answer that timed out), and each copy would otherwise be
 * answered. Memory is bounded: only a window of the most recent ids is kept.
 */
import type { Context, MiddlewareFn } from "grammy";
import type { Logger } from "../../logging/logger.ts";

/** How many recent update ids are remembered; far more than arrive between two confirmations. */
export const DEDUPE_DEFAULTS = { window: 10_000 } as const;

/** The ids of the most recent updates, oldest forgotten first. */
export class SeenUpdates {
  // A Set iterates in insertion order, so its first entry is the oldest.
  private readonly ids = new Set<number>();

  constructor(private readonly capacity: number = DEDUPE_DEFAULTS.window) {}

  get size(): number {
    return this.ids.size;
  }

  has(id: number): boolean {
    return this.ids.has(id);
  }

  /** Records `id`; true when it was not seen before. */
  firstSight(id: number): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value!);
    return true;
  }

  /** Records ids handled by an earlier run (from the update ledger). */
  remember(ids: Iterable<number>): void {
    for (const id of ids) this.firstSight(id);
  }
}

/** Middleware that lets each update id through once. */
export function dedupeUpdates(seen: SeenUpdates, logger: Logger): MiddlewareFn<Context> {
  return (ctx, next) => {
    const id = ctx.update.update_id;
    if (!seen.firstSight(id)) {
      logger.debug("dropped a duplicate update", { updateId: id });
      return Promise.resolve();
    }
    return next();
  };
}
