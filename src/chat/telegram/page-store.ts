/**
 * Replies whose later pages a "更多" button may ask for, kept in memory under a short
 * random id. Bounded in number and age: a press after a restart, or a day later, gets
 * a notice to ask again instead of a page. Replies make their pages on demand, so an
 * entry holds little more than references into the corpus.
 */
import { randomBytes } from "node:crypto";
import type { Reply } from "../../commands/reply.ts";
import { BoundedMap } from "../../util/bounded-map.ts";

export const PAGE_STORE_DEFAULTS = {
  /** Replies kept; the oldest goes first. */
  maxReplies: 2_000,
  /** A reply older than this is forgotten. */
  maxAgeMs: 24 * 60 * 60 * 1000,
} as const;

export class PageStore {
  private readonly replies: BoundedMap<string, { readonly reply: Reply; readonly at: number }>;

  constructor(
    private readonly options: { readonly maxReplies: number; readonly maxAgeMs: number } = PAGE_STORE_DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {
    this.replies = new BoundedMap(options.maxReplies);
  }

  /** Keeps `reply` and returns the id its buttons name. */
  put(reply: Reply): string {
    const id = randomBytes(6).toString("base64url");
    this.replies.set(id, { reply, at: this.now() });
    return id;
  }

  get(id: string): Reply | undefined {
    const entry = this.replies.get(id);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.options.maxAgeMs) {
      this.replies.delete(id);
      return undefined;
    }
    return entry.reply;
  }
}
