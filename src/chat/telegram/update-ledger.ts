/**
 * A durable record of the updates the bot took, so that a crash does not lose them.
 *
 * grammY's runner confirms a batch to Telegram as soon as it asks for the next one,
 * long before the answers are out; a process killed then (SIGKILL, OOM, power loss)
 * would lose every question under way or queued. So each update is written to
 * `updates.jsonl` in the data folder (and fsynced) before it is handled, and marked done
 * once its handler has finished. On the next start the updates received but not done
 * are handed back for replay, and the ids done recently for the duplicate filter.
 * In polling mode the poller records each batch before the runner can confirm it (see
 * start-bot.ts); in webhook mode the middleware records it before Telegram is answered.
 *
 * The file is JSON Lines, one state change per line; the last line for an id wins:
 *   {"state":"received","id":7,"replays":0,"update":{…}}  {"state":"done","id":7}
 * A line cut short by a crash is skipped. Appends that arrive together share one write
 * and one fsync. When the file grows past `compactAfterLines` it is rewritten (to a
 * temporary file, fsynced, renamed over) with the unfinished updates and the most
 * recent done ids only, so message text does not stay on disk longer than that.
 */
import fs from "node:fs";
import path from "node:path";
import type { Context, MiddlewareFn } from "grammy";
import type { Update } from "grammy/types";
import { z } from "zod";
import { appendFileDurable, fsyncDir, writeFileDurable } from "../../util/durable-fs.ts";
import type { Logger } from "../../logging/logger.ts";

/** Options of {@link UpdateLedger}; every one has a default here. */
export const LEDGER_DEFAULTS = {
  /** File name inside the data folder. */
  file: "updates.jsonl",
  /** The file is compacted once it has more lines than this. */
  compactAfterLines: 2_000,
  /** Done ids kept through a compaction (they feed the duplicate filter after a restart). */
  keepDone: 1_000,
  /**
   * An update that did not finish after this many replays is given up, so one that
   * crashes the process cannot crash every later start too.
   */
  maxReplays: 2,
  /**
   * Values never written to the file (the bot token…). An update can carry one, e.g.
   * pasted into a chat; each is stored as "[redacted]", and so is a token's part after
   * the colon.
   */
  secrets: [] as readonly string[],
};

export type LedgerOptions = Partial<typeof LEDGER_DEFAULTS>;

const StoredUpdate = z.looseObject({ update_id: z.number().int() });
type StoredUpdate = z.infer<typeof StoredUpdate>;
// Updates come from Telegram through grammY and are stored as they came.
const stored = (u: Update): StoredUpdate => u as unknown as StoredUpdate;

const LedgerLine = z.discriminatedUnion("state", [
  z.object({ state: z.literal("received"), id: z.number().int(), replays: z.number().int().min(0), update: StoredUpdate }),
  // "abandoned": given up after maxReplays; treated like done.
  z.object({ state: z.enum(["done", "abandoned"]), id: z.number().int() }),
]);
type LedgerLine = z.infer<typeof LedgerLine>;

interface Unfinished {
  readonly update: Update;
  readonly replays: number;
}

/** What an earlier run left behind, as {@link UpdateLedger.recover} hands it over. */
export interface Recovered {
  /** Updates received but not finished, oldest first, to be handled again. */
  readonly unfinished: readonly Update[];
  /** Ids finished (or given up) recently, so that a copy delivered again is dropped. */
  readonly doneIds: readonly number[];
  /** Updates given up on now because earlier replays did not finish either. */
  readonly abandoned: readonly number[];
}

interface QueuedWrite {
  readonly line: LedgerLine | undefined;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** The update ledger of one bot. */
export class UpdateLedger {
  readonly file: string;
  private readonly o: typeof LEDGER_DEFAULTS;
  private readonly unfinished = new Map<number, Unfinished>();
  // Insertion order is completion order; the oldest are dropped beyond keepDone.
  private readonly done = new Map<number, "done" | "abandoned">();
  /** Ids loaded from the file at start, i.e. left behind by an earlier run. */
  private fromEarlierRun = new Set<number>();
  private lines = 0;
  /** Lines of the file as read that could not be used (a crash mid-append). */
  private malformed = 0;
  private needsNewline = false;
  private loaded: Promise<void> | undefined;
  private recovered = false;
  private queue: QueuedWrite[] = [];
  private flushing = false;
  private readonly hidden: readonly string[];

  constructor(
    dataDir: string,
    private readonly logger: Logger,
    options: LedgerOptions = {},
  ) {
    const tuned = Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined));
    this.o = { ...LEDGER_DEFAULTS, ...tuned };
    this.file = path.join(dataDir, this.o.file);
    const forms = this.o.secrets.flatMap((v) => [v, v.slice(v.indexOf(":") + 1)]);
    // Longest first, so a whole token is not half-replaced by its own tail.
    this.hidden = [...new Set(forms.filter((v) => v.length >= 6))].sort((a, b) => b.length - a.length);
  }

  /** One line of the file: the record as JSON, secrets removed. */
  private serialize(line: LedgerLine): string {
    let text = JSON.stringify(line);
    for (const secret of this.hidden) text = text.split(secret).join("[redacted]");
    return text;
  }

  /** Reads the file once; never fails (a ledger that cannot be read is logged and started empty). */
  load(): Promise<void> {
    return (this.loaded ??= this.readFile());
  }

  private async readFile(): Promise<void> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.file, "utf8");
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") {
        this.logger.error("could not read the update ledger; starting without it", { error: e });
      }
      return;
    }
    let bad = 0;
    for (const raw of text.split("\n")) {
      if (!raw.trim()) continue;
      this.lines++;
      let parsed: ReturnType<typeof LedgerLine.safeParse>;
      try {
        parsed = LedgerLine.safeParse(JSON.parse(raw));
      } catch {
        bad++;
        continue;
      }
      if (!parsed.success || (parsed.data.state === "received" && parsed.data.update.update_id !== parsed.data.id)) {
        bad++;
        continue;
      }
      this.apply(parsed.data);
    }
    // A crash mid-append leaves a line without its newline; the next line must not join it.
    this.needsNewline = text.length > 0 && !text.endsWith("\n");
    this.fromEarlierRun = new Set(this.unfinished.keys());
    this.malformed = bad;
    if (bad > 0) this.logger.warn("skipped malformed update ledger lines", { lines: bad });
  }

  private apply(line: LedgerLine): void {
    if (line.state === "received") {
      this.done.delete(line.id);
      this.unfinished.set(line.id, { update: line.update as unknown as Update, replays: line.replays });
      return;
    }
    this.unfinished.delete(line.id);
    this.done.delete(line.id);
    this.done.set(line.id, line.state);
    if (this.done.size > this.o.keepDone) this.done.delete(this.done.keys().next().value!);
  }

  /**
   * Hands over what an earlier run left behind, once: the unfinished updates (each
   * recorded as replayed before it is returned) and the recent done ids. Updates that
   * already were replayed `maxReplays` times are marked abandoned instead.
   */
  async recover(): Promise<Recovered> {
    await this.load();
    if (this.recovered) return { unfinished: [], doneIds: [], abandoned: [] };
    this.recovered = true;
    const doneIds = [...this.done.keys()];
    const unfinished: Update[] = [];
    const abandoned: number[] = [];
    const ids = [...this.fromEarlierRun].filter((id) => this.unfinished.has(id)).sort((a, b) => a - b);
    const writes: Promise<void>[] = [];
    for (const id of ids) {
      const entry = this.unfinished.get(id)!;
      if (entry.replays >= this.o.maxReplays) {
        abandoned.push(id);
        writes.push(this.write({ state: "abandoned", id }));
      } else {
        unfinished.push(entry.update);
        writes.push(this.write({ state: "received", id, replays: entry.replays + 1, update: stored(entry.update) }));
      }
    }
    await Promise.all(writes);
    // After a crash the file is rewritten without the cut-short line, so it never piles up garbage.
    if (this.malformed > 0) {
      await this.compact().catch((e: unknown) => this.logger.warn("could not compact the update ledger", { error: e }));
      this.malformed = 0;
    } else {
      await this.compactIfLarge();
    }
    if (abandoned.length > 0) {
      this.logger.warn("gave up on updates that did not finish in earlier runs", { updateIds: abandoned, maxReplays: this.o.maxReplays });
    }
    return { unfinished, doneIds: [...doneIds, ...abandoned], abandoned };
  }

  /** Records that `updates` arrived; resolves once they are on disk (one write, one fsync). */
  async received(updates: readonly Update[]): Promise<void> {
    await this.load();
    await Promise.all(updates.map((u) => this.write({ state: "received", id: u.update_id, replays: 0, update: stored(u) })));
  }

  /** Records that the handler of update `id` has finished. */
  finished(id: number): Promise<void> {
    return this.write({ state: "done", id });
  }

  /**
   * Middleware recording each update before it is handled (unless the poller or a
   * replay already did) and once it has been. It sits before sequentialize, so updates
   * queued behind a slow answer are on disk too.
   */
  middleware(): MiddlewareFn<Context> {
    return async (ctx, next) => {
      const update = ctx.update;
      await this.load();
      // Every update takes a place in the same queue, recorded or not, so updates leave
      // this middleware in the order they entered it (sequentialize keeps that order).
      const record = this.unfinished.has(update.update_id)
        ? this.write(undefined)
        : this.write({ state: "received", id: update.update_id, replays: 0, update: stored(update) });
      await record.catch((e: unknown) => this.logger.error("could not record an update; handling it anyway", { updateId: update.update_id, error: e }));
      try {
        await next();
      } finally {
        await this.finished(update.update_id).catch((e: unknown) =>
          this.logger.error("could not mark an update done", { updateId: update.update_id, error: e }),
        );
      }
    };
  }

  /** Resolves once every line written so far is on disk (tests, shutdown). */
  flushed(): Promise<void> {
    return this.write(undefined);
  }

  /** Queues `line` (undefined: nothing, only a place in the order); one write and fsync per batch. */
  private write(line: LedgerLine | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ line, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      await this.load();
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0);
        const lines = batch.flatMap((b) => (b.line ? [b.line] : []));
        try {
          if (lines.length > 0) {
            const text = (this.needsNewline ? "\n" : "") + lines.map((l) => this.serialize(l)).join("\n") + "\n";
            await appendFileDurable(this.file, text);
            this.needsNewline = false;
            this.lines += lines.length;
            lines.forEach((l) => this.apply(l));
            // Before the writers go on, so the file is never more than one batch over its bound.
            await this.compactIfLarge();
          }
        } catch (e) {
          batch.forEach((b) => b.reject(e));
          continue;
        }
        batch.forEach((b) => b.resolve());
      }
    } finally {
      this.flushing = false;
    }
  }

  private async compactIfLarge(): Promise<void> {
    const live = this.unfinished.size + this.done.size;
    // Also wait for twice the live lines, so a ledger full of unfinished updates is not rewritten on every append.
    if (this.lines <= Math.max(this.o.compactAfterLines, 2 * live)) return;
    try {
      await this.compact();
    } catch (e) {
      this.logger.warn("could not compact the update ledger", { error: e });
    }
  }

  /** Rewrites the file with only the unfinished updates and the recent done ids. */
  private async compact(): Promise<void> {
    const keep: LedgerLine[] = [];
    const unfinished = [...this.unfinished.entries()].sort(([a], [b]) => a - b);
    for (const [id, u] of unfinished) keep.push({ state: "received", id, replays: u.replays, update: stored(u.update) });
    for (const [id, state] of this.done) keep.push({ state, id });
    const tmp = `${this.file}.tmp`;
    await fs.promises.rm(tmp, { force: true });
    await writeFileDurable(tmp, keep.map((l) => this.serialize(l) + "\n").join(""));
    await fs.promises.rename(tmp, this.file);
    await fsyncDir(path.dirname(this.file));
    const before = this.lines;
    this.lines = keep.length;
    this.needsNewline = false;
    this.logger.debug("compacted the update ledger", { linesBefore: before, linesAfter: keep.length });
  }
}
