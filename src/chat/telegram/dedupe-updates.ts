/**
 * Drops an update the bot has already taken. Telegram delivers an update again when it
 * did not see it confirmed (network trouble, a restart before the next getUpdates, a
 * webhook answer that timed out), and each copy would otherwise be answered.
 *
 * An update id alone does not name an update for long: ids start again on a reset local
 * Bot API server, for a new bot token on the same data folder, and at random after a
 * week without updates. So a copy is one with the same id *and* the same content (see
 * {@link updateKeys}), seen within the last 24 hours (Telegram keeps undelivered
 * updates no longer). Remembered ids that the
 * ledger hands over from an earlier run are those of the same bot (see update-ledger.ts).
 * Memory is bounded: only a window of the most recent ids is kept.
 */
import { createHash } from "node:crypto";
import type { Context, MiddlewareFn } from "grammy";
import type { Update } from "grammy/types";
import type { Logger } from "../../logging/logger.ts";
import { BoundedMap } from "../../util/bounded-map.ts";

export const DEDUPE_DEFAULTS = {
  /** How many recent updates are remembered; far more than arrive between two confirmations. */
  window: 10_000,
  /** Updates older than this are forgotten: Telegram does not deliver them again. */
  maxAgeMs: 24 * 60 * 60 * 1000,
};

/** An update taken at `at` (epoch ms), as remembered. */
export interface SeenUpdate {
  readonly id: number;
  readonly key: string;
  readonly at: number;
}

/** Names an update beyond its id (see {@link updateKeys}). */
export type UpdateKey = (update: Update) => string;

/**
 * Keys updates by a digest of their content as the ledger stores it (after `redact`): a
 * copy delivered again, or replayed from the ledger, has the same key; another update
 * that reuses an id has another.
 */
export function updateKeys(redact: <T>(value: T) => T = (v) => v): UpdateKey {
  return (update) => createHash("sha256").update(JSON.stringify(redact(update))).digest("base64url").slice(0, 16);
}

/** The most recent updates taken, oldest forgotten first. */
export class SeenUpdates {
  private readonly seen: BoundedMap<number, { key: string; at: number }>;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private readonly keyOf: UpdateKey;

  constructor(options: Partial<typeof DEDUPE_DEFAULTS> & { readonly now?: () => number; readonly keyOf?: UpdateKey } = {}) {
    this.seen = new BoundedMap(options.window ?? DEDUPE_DEFAULTS.window);
    this.maxAgeMs = options.maxAgeMs ?? DEDUPE_DEFAULTS.maxAgeMs;
    this.now = options.now ?? Date.now;
    this.keyOf = options.keyOf ?? updateKeys();
  }

  get size(): number {
    return this.seen.size;
  }

  /** True when `update` (this id, this identity) was taken within the last 24 hours. */
  has(update: Update): boolean {
    const hit = this.seen.get(update.update_id);
    return hit !== undefined && hit.key === this.keyOf(update) && this.now() - hit.at < this.maxAgeMs;
  }

  /** Records `update`; true when it was not taken before. */
  firstSight(update: Update): boolean {
    if (this.has(update)) return false;
    this.seen.set(update.update_id, { key: this.keyOf(update), at: this.now() });
    return true;
  }

  /** Records updates handled by an earlier run (from the update ledger). */
  remember(updates: Iterable<SeenUpdate>): void {
    for (const u of updates) if (this.now() - u.at < this.maxAgeMs) this.seen.set(u.id, { key: u.key, at: u.at });
  }
}

/** Middleware that lets each update through once. */
export function dedupeUpdates(seen: SeenUpdates, logger: Logger): MiddlewareFn<Context> {
  return (ctx, next) => {
    if (!seen.firstSight(ctx.update)) {
      logger.debug("dropped a duplicate update", { updateId: ctx.update.update_id });
      return Promise.resolve();
    }
    return next();
  };
}
