/**
 * The conversation's memory between questions (issue 11 §4): the last turn per chat and
 * user, in grammY session storage, so that "那谁负责？" is read in context after a
 * restart and after a crash replay of the update ledger. The service is stateless: the
 * turn it returns is stored here and passed back with the next question.
 *
 * Sessions are keyed `chatId:userId` and expire 30 minutes after the last turn
 * (grammY's enhanceStorage). The storage is any grammY storage adapter: on disk in the
 * data folder by default (file-session-storage.ts), Redis through @grammyjs/storage-redis
 * the same way (tests/sessions.test.ts runs the same behaviour against both). Every
 * session goes through the one redaction before it is stored, and a storage that fails
 * costs the context, never the answer.
 */
import { enhanceStorage, lazySession } from "grammy";
import type { Context, Enhance, LazySessionFlavor, MiddlewareFn, StorageAdapter } from "grammy";
import type { ConversationTurn } from "../../answer/types.ts";
import type { Logger } from "../../logging/logger.ts";

/** What a conversation keeps. */
export interface ConversationSession {
  turn?: ConversationTurn;
}

/** The storage adapters conversation sessions can live in (values wrapped with their expiry). */
export type SessionStorage = StorageAdapter<Enhance<ConversationSession>>;

export const SESSION_DEFAULTS = {
  /** A turn older than this is forgotten: a question after a long pause is read afresh. */
  ttlMs: 30 * 60 * 1000,
  /** Folder inside the data folder for the default file storage. */
  dir: "sessions",
};

// Without an initial value, a new conversation's session reads as undefined (grammY's type leaves that out).
type SessionContext = Context & LazySessionFlavor<ConversationSession>;

/** chat:user, or undefined for updates without a chat (inline queries), which keep no session. */
export function sessionKey(ctx: Context): string | undefined {
  return ctx.chat ? `${ctx.chat.id}:${ctx.from?.id ?? 0}` : undefined;
}

/** Stores redacted values, and turns storage failures into a warning and a conversation without context. */
function guarded(storage: SessionStorage, logger: Logger, redact: <T>(value: T) => T): SessionStorage {
  return {
    read: async (key) => {
      try {
        return await storage.read(key);
      } catch (e) {
        logger.warn("could not read a conversation session; answering without context", { error: e });
        return undefined;
      }
    },
    write: async (key, value) => {
      try {
        await storage.write(key, redact(value));
      } catch (e) {
        logger.warn("could not store a conversation session; the next question is read without context", { error: e });
      }
    },
    delete: async (key) => {
      try {
        await storage.delete(key);
      } catch (e) {
        logger.warn("could not delete a conversation session", { error: e });
      }
    },
  };
}

/** The session middleware: loads a session only when a handler asks for it, writes it back after the handler. */
export function conversationSession(
  storage: SessionStorage,
  options: { readonly ttlMs: number; readonly logger: Logger; readonly redact: <T>(value: T) => T },
): MiddlewareFn<Context> {
  const enhanced = enhanceStorage<ConversationSession>({
    storage: guarded(storage, options.logger, options.redact),
    millisecondsToLive: options.ttlMs,
  });
  return lazySession<ConversationSession, Context>({ storage: enhanced, getSessionKey: sessionKey }) as MiddlewareFn<Context>;
}

/** The previous turn of this chat and user, unless it expired. */
export async function previousTurn(ctx: Context): Promise<ConversationTurn | undefined> {
  if (sessionKey(ctx) === undefined) return undefined;
  const session = (await (ctx as SessionContext).session) as ConversationSession | undefined;
  return session?.turn;
}

/** Remembers `turn` as this chat and user's last one (written back once the handler is done). */
export function rememberTurn(ctx: Context, turn: ConversationTurn): void {
  if (sessionKey(ctx) === undefined) return;
  (ctx as SessionContext).session = { turn };
}
