/**
 * A durable record of the updates the bot took, so that a crash does not lose them.
 *
 * grammY's runner confirms a batch to Telegram as soon as it asks for the next one,
 * long before the answers are out; a process killed then (SIGKILL, OOM, power loss)
 * would lose every question under way or queued. So each update is written to
 * `updates.jsonl` in the data folder (and fsynced) before it is handled, and marked done
 * once its handler has finished. On the next start the updates received but not done
 * are handed back for replay, and those done recently for the duplicate filter.
 * In polling mode the poller records each batch before the runner can confirm it (see
 * start-bot.ts); in webhook mode the middleware records it before Telegram is answered.
 *
 * "Done" is written the moment a handler finishes and not waited for on disk: a killed
 * process keeps it (the kernel has it), and after a power loss the worst case is an
 * answer sent twice. Waiting for its fsync widened the window in which a kill resends
 * an answer already delivered (issue 12 §4).
 *
 * Every line names the bot (its id) and the time: after a restart only this bot's
 * updates are replayed, and only its updates done within the last 24 hours are handed to
 * the duplicate filter, with their identity (see dedupe-updates.ts). A new bot token or
 * a reset Bot API server on the same data folder starts clean instead of having its new
 * updates dropped as copies.
 *
 * The file is JSON Lines (see util/json-lines.ts), one state change per line; the last
 * line for an update wins:
 *   {"state":"received","id":7,"bot":666,"at":…,"replays":0,"update":{…}}
 *   {"state":"done","id":7,"bot":666,"at":…,"key":"message:…"}
 * A line cut short by a crash is skipped. When the file grows past `compactAfterLines` it
 * is rewritten with the unfinished updates and the most recent done ones only, so
 * message text does not stay on disk longer than that.
 */
import path from "node:path";
import type { Context, MiddlewareFn } from "grammy";
import type { Update } from "grammy/types";
import * as z from "../../util/zod.ts";
import type { Logger } from "../../logging/logger.ts";
import { BoundedMap } from "../../util/bounded-map.ts";
import { JsonLinesFile, readJsonLines } from "../../util/json-lines.ts";
import { DEDUPE_DEFAULTS, updateKeys, type SeenUpdate, type UpdateKey } from "./dedupe-updates.ts";

/** Options of {@link UpdateLedger}; every one has a default here. */
export const LEDGER_DEFAULTS = {
  /** File name inside the data folder. */
  file: "updates.jsonl",
  /** The file is compacted once it has more lines than this. */
  compactAfterLines: 2_000,
  /** Done updates kept through a compaction (they feed the duplicate filter after a restart). */
  keepDone: 1_000,
  /** Done updates older than this are not handed to the duplicate filter, nor kept. */
  maxDoneAgeMs: DEDUPE_DEFAULTS.maxAgeMs,
  /**
   * An update that did not finish after this many replays is given up, so one that
   * crashes the process cannot crash every later start too.
   */
  maxReplays: 2,
};

export type LedgerOptions = Partial<typeof LEDGER_DEFAULTS> & {
  /** Applied to every line before it is written (the bot's redaction: a token pasted into a chat is not stored). */
  readonly redact?: <T>(record: T) => T;
  /** The clock (tests). */
  readonly now?: () => number;
  /** Names updates for the duplicate filter (the same function as its own). */
  readonly keyOf?: UpdateKey;
};

const StoredUpdate = z.looseObject({ update_id: z.int() });
type StoredUpdate = z.infer<typeof StoredUpdate>;
// Updates come from Telegram through grammY and are stored as they came.
const stored = (u: Update): StoredUpdate => u as unknown as StoredUpdate;

// `bot` and `at` are missing on lines written before they existed.
const LedgerLine = z.discriminatedUnion("state", [
  z.object({
    state: z.literal("received"),
    id: z.int(),
    bot: z.optional(z.int()),
    at: z.optional(z.number()),
    replays: z.int().check(z.gte(0)),
    update: StoredUpdate,
  }),
  // "abandoned": given up after maxReplays; treated like done.
  z.object({
    state: z.enum(["done", "abandoned"]),
    id: z.int(),
    bot: z.optional(z.int()),
    at: z.optional(z.number()),
    key: z.optional(z.string()),
  }),
]);
type LedgerLine = z.infer<typeof LedgerLine>;
type ReceivedLine = Extract<LedgerLine, { state: "received" }>;
type DoneLine = Exclude<LedgerLine, ReceivedLine>;

/** What an earlier run left behind, as {@link UpdateLedger.recover} hands it over. */
export interface Recovered {
  /** This bot's updates received but not finished, oldest first, to be handled again. */
  readonly unfinished: readonly Update[];
  /** This bot's updates finished (or given up) within the last 24 hours, so that a copy delivered again is dropped. */
  readonly done: readonly SeenUpdate[];
  /** Updates given up on now: replayed too often, or left by another bot. */
  readonly abandoned: readonly number[];
}

/** Entries are keyed by bot and update id: two bots' ids may coincide. */
const entryKey = (bot: number | undefined, id: number) => `${bot ?? "?"}:${id}`;

/** The update ledger of one data folder. */
export class UpdateLedger {
  readonly file: string;
  private readonly o: typeof LEDGER_DEFAULTS;
  private readonly jsonl: JsonLinesFile;
  private readonly now: () => number;
  private readonly keyOf: UpdateKey;
  private readonly unfinished = new Map<string, ReceivedLine>();
  // Insertion order is completion order; the oldest are dropped beyond keepDone.
  private readonly done: BoundedMap<string, DoneLine>;
  /** Entries loaded from the file at start, i.e. left behind by an earlier run. */
  private fromEarlierRun = new Set<string>();
  private lines = 0;
  /** Lines of the file as read that could not be used (a crash mid-append). */
  private malformed = 0;
  private loaded: Promise<void> | undefined;
  private recovered = false;
  private compacting: Promise<void> | undefined;
  /** Updates their handler already recorded as done (see replied()). */
  private readonly repliedTo = new WeakSet<Update>();

  constructor(
    dataDir: string,
    private readonly logger: Logger,
    options: LedgerOptions = {},
  ) {
    const { redact, now, keyOf, ...rest } = options;
    const tuned = Object.fromEntries(Object.entries(rest).filter(([, v]) => v !== undefined));
    this.o = { ...LEDGER_DEFAULTS, ...tuned };
    this.file = path.join(dataDir, this.o.file);
    this.jsonl = new JsonLinesFile(this.file, { redact });
    this.now = now ?? Date.now;
    this.keyOf = keyOf ?? updateKeys(redact);
    this.done = new BoundedMap(this.o.keepDone);
  }

  /** Reads the file once; never fails (a ledger that cannot be read is logged and started empty). */
  load(): Promise<void> {
    return (this.loaded ??= this.readFile());
  }

  private async readFile(): Promise<void> {
    let read: Awaited<ReturnType<typeof readJsonLines<LedgerLine>>>;
    try {
      read = await readJsonLines(this.file, LedgerLine);
    } catch (e) {
      this.logger.error("could not read the update ledger; starting without it", { error: e });
      return;
    }
    let bad = read.malformed;
    for (const line of read.records) {
      if (line.state === "received" && line.update.update_id !== line.id) bad++;
      else this.apply(line);
    }
    this.lines = read.records.length + read.malformed;
    this.fromEarlierRun = new Set(this.unfinished.keys());
    this.malformed = bad;
    if (bad > 0) this.logger.warn("skipped malformed update ledger lines", { lines: bad });
  }

  private apply(line: LedgerLine): void {
    const key = entryKey(line.bot, line.id);
    if (line.state === "received") {
      this.done.delete(key);
      this.unfinished.set(key, line);
      return;
    }
    this.unfinished.delete(key);
    this.done.set(key, line);
  }

  private isRecent(line: { at?: number }): boolean {
    return line.at !== undefined && this.now() - line.at < this.o.maxDoneAgeMs;
  }

  /**
   * Hands over what an earlier run of bot `botId` left behind, once: its unfinished
   * updates (each recorded as replayed before it is returned) and its recent done ones.
   * Updates that already were replayed `maxReplays` times, and those another bot left,
   * are marked abandoned instead. Lines from before bots were named count as this bot's.
   */
  async recover(botId: number): Promise<Recovered> {
    await this.load();
    if (this.recovered) return { unfinished: [], done: [], abandoned: [] };
    this.recovered = true;
    const done = [...this.done.values()]
      .filter((l) => (l.bot === undefined || l.bot === botId) && l.key !== undefined && this.isRecent(l))
      .map((l) => ({ id: l.id, key: l.key!, at: l.at! }));
    const unfinished: Update[] = [];
    const abandoned: DoneLine[] = [];
    const replayed: ReceivedLine[] = [];
    const left = [...this.fromEarlierRun].map((k) => this.unfinished.get(k)).filter((l): l is ReceivedLine => l !== undefined);
    const otherBot = left.filter((l) => l.bot !== undefined && l.bot !== botId);
    for (const line of left.sort((a, b) => a.id - b.id)) {
      const update = line.update as unknown as Update;
      if ((line.bot !== undefined && line.bot !== botId) || line.replays >= this.o.maxReplays) {
        abandoned.push({ state: "abandoned", id: line.id, bot: line.bot, at: this.now(), key: this.keyOf(update) });
      } else {
        unfinished.push(update);
        replayed.push({ ...line, bot: botId, replays: line.replays + 1 });
      }
    }
    await this.append([...abandoned, ...replayed]);
    // After a crash the file is rewritten without the cut-short line, so it never piles up garbage.
    if (this.malformed > 0) {
      await this.compact().catch((e: unknown) => this.logger.warn("could not compact the update ledger", { error: e }));
      this.malformed = 0;
    } else {
      await this.compactIfLarge();
    }
    if (otherBot.length > 0) {
      const message = "not replaying updates another bot left unfinished (a new token on this data folder?)";
      this.logger.warn(message, { updates: otherBot.length });
    }
    const gaveUp = abandoned.filter((l) => l.bot === undefined || l.bot === botId).map((l) => l.id);
    if (gaveUp.length > 0) {
      this.logger.warn("gave up on updates that did not finish in earlier runs", { updateIds: gaveUp, maxReplays: this.o.maxReplays });
    }
    const given = abandoned.filter((l) => l.bot === undefined || l.bot === botId).map((l) => ({ id: l.id, key: l.key!, at: l.at! }));
    return { unfinished, done: [...done, ...given], abandoned: abandoned.map((l) => l.id) };
  }

  /** Records that bot `botId` took `updates`; resolves once they are on disk (one fsync for all). */
  async received(updates: readonly Update[], botId: number): Promise<void> {
    await this.load();
    const at = this.now();
    await this.append(updates.map((u) => ({ state: "received" as const, id: u.update_id, bot: botId, at, replays: 0, update: stored(u) })));
  }

  /**
   * Records that the handler of `update` has finished: written at once (a killed process
   * keeps it), not waited for on disk. Resolves at once, or after a compaction it set off.
   */
  async finished(update: Update, botId: number): Promise<void> {
    await this.load();
    this.write([{ state: "done", id: update.update_id, bot: botId, at: this.now(), key: this.keyOf(update) }]);
    await this.compactIfLarge();
  }

  /**
   * Records `update` as done the moment its reply is out, before its handler's remaining
   * bookkeeping (the question log, the conversation session): a process killed between
   * a delivered reply and the update's done line sends that reply again on its next
   * start. With the done line written after the handler, the session file's write and
   * rename lay in that window, and the kill test's SIGKILL landed there in 6 of 48 kills.
   * The middleware then does not write a second done line.
   */
  async replied(update: Update, botId: number): Promise<void> {
    if (this.repliedTo.has(update)) return;
    await this.finished(update, botId);
    this.repliedTo.add(update);
  }

  /**
   * Middleware recording each update before it is handled (unless the poller or a
   * replay already did) and once it has been. It sits before sequentialize, so updates
   * queued behind a slow answer are on disk too.
   */
  middleware(): MiddlewareFn<Context> {
    return async (ctx, next) => {
      const update = ctx.update;
      const botId = ctx.me.id;
      await this.load();
      // Every update waits for the same fsync, recorded here or not, so updates leave
      // this middleware in the order they entered it (sequentialize keeps that order).
      const record = this.unfinished.has(entryKey(botId, update.update_id)) ? this.jsonl.sync() : this.received([update], botId);
      await record.catch((e: unknown) =>
        this.logger.error("could not record an update; handling it anyway", { updateId: update.update_id, error: e }),
      );
      try {
        await next();
      } finally {
        if (!this.repliedTo.has(update)) {
          await this.finished(update, botId).catch((e: unknown) =>
            this.logger.error("could not mark an update done", { updateId: update.update_id, error: e }),
          );
        }
      }
    };
  }

  /** Resolves once every line written so far is on disk (tests, shutdown). */
  flushed(): Promise<void> {
    return this.jsonl.sync();
  }

  /** Writes lines now (a killed process keeps them) and applies them. */
  private write(lines: readonly LedgerLine[]): void {
    this.jsonl.write(lines);
    this.lines += lines.length;
    lines.forEach((l) => this.apply(l));
  }

  /** Writes lines and resolves once they are on disk. */
  private async append(lines: readonly LedgerLine[]): Promise<void> {
    if (lines.length === 0) return;
    this.write(lines);
    await this.jsonl.sync();
    await this.compactIfLarge();
  }

  private async compactIfLarge(): Promise<void> {
    let live = this.unfinished.size;
    for (const l of this.done.values()) if (this.isRecent(l)) live++;
    // Also wait for twice the live lines, so a ledger full of unfinished updates is not rewritten on every append.
    if (this.lines <= Math.max(this.o.compactAfterLines, 2 * live)) return;
    try {
      await (this.compacting ??= this.compact().finally(() => (this.compacting = undefined)));
    } catch (e) {
      this.logger.warn("could not compact the update ledger", { error: e });
    }
  }

  /** Rewrites the file with only the unfinished updates and the recent done ones. */
  private async compact(): Promise<void> {
    const unfinished = [...this.unfinished.values()].sort((a, b) => a.id - b.id);
    const done = [...this.done.values()].filter((l) => this.isRecent(l));
    const keep: LedgerLine[] = [...unfinished, ...done];
    const before = this.lines;
    // Lines written while the rewrite runs are copied into the new file, and counted on top.
    this.lines = keep.length;
    try {
      await this.jsonl.replace(keep);
    } catch (e) {
      this.lines = before + (this.lines - keep.length);
      throw e;
    }
    this.logger.debug("compacted the update ledger", { linesBefore: before, linesAfter: keep.length });
  }
}
