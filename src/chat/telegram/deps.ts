/**
 * What every feature of the bot is built from, and the options of {@link createBot}
 * with their defaults in one place.
 */
import type { UserFromGetMe } from "grammy/types";
import type { QaService } from "../../service/contract.ts";
import type { Settings } from "../../config/settings.ts";
import type { Logger } from "../../logging/logger.ts";
import { SESSION_DEFAULTS, type SessionStorage } from "./conversation-session.ts";
import type { SeenUpdates } from "./dedupe-updates.ts";
import type { InFlight } from "./in-flight.ts";
import type { BotJournal } from "./journal.ts";
import type { PageStore } from "./page-store.ts";
import type { UpdateLedger } from "./update-ledger.ts";

/** Options of createBot; every one has a default in {@link BOT_DEFAULTS}. */
export interface CreateBotOptions {
  /** Skips the getMe call at start (tests, or a known bot). */
  readonly botInfo?: UserFromGetMe;
  /** How often "typing…" is re-sent while an answer is being worked out. */
  readonly typingIntervalMs?: number;
  /** Bot API calls other than getUpdates are retried at most this often (429, 5xx and network errors; see api-retry.ts). */
  readonly maxRetryAttempts?: number;
  /** A 429 asking to wait longer than this fails the call instead of waiting. */
  readonly maxRetryDelaySeconds?: number;
  /** Number of example questions /help shows. */
  readonly helpExamples?: number;
  /** Inline mode lists at most this many items. */
  readonly inlineResults?: number;
  /** 👍/👎 presses per user per minute; more are dropped unread. */
  readonly votesPerMinute?: number;
  /** A conversation's last turn is forgotten this long after it was stored. */
  readonly sessionTtlMs?: number;
  /** Where conversation sessions live; a folder in the data folder unless given (e.g. @grammyjs/storage-redis). */
  readonly sessionStorage?: SessionStorage;
}

export const BOT_DEFAULTS = {
  typingIntervalMs: 4_500,
  maxRetryAttempts: 5,
  maxRetryDelaySeconds: 60,
  helpExamples: 4,
  inlineResults: 10,
  votesPerMinute: 10,
  sessionTtlMs: SESSION_DEFAULTS.ttlMs,
} as const;

/** Shared by all features of one bot. */
export interface BotDeps {
  readonly service: QaService;
  readonly settings: Settings;
  readonly logger: Logger;
  readonly journal: BotJournal;
  readonly inFlight: InFlight;
  /** Recent update ids, to drop an update delivered twice. */
  readonly seenUpdates: SeenUpdates;
  /** Updates on disk from arrival until handled, replayed after a crash. */
  readonly ledger: UpdateLedger;
  /** Replies with pages still to show ("更多"). */
  readonly pages: PageStore;
  /** The conversation sessions (last turn per chat and user), for follow-up questions. */
  readonly sessionStorage: SessionStorage;
  readonly options: { readonly [K in keyof typeof BOT_DEFAULTS]: number };
}

/** True when the user may run admin commands. */
export function isAdmin(deps: BotDeps, userId: number | undefined): boolean {
  return userId !== undefined && deps.settings.telegram.adminUserIds.includes(userId);
}
